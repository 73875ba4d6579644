package io.kubetask.workflows.task;

/**
 * How a Task ended.
 *
 * @param succeeded true for Completed, false for Failed
 * @param reason a PascalCase reason for the Ready condition and the Event
 * @param message a human-readable message
 */
public record Outcome(boolean succeeded, String reason, String message) {

  public static Outcome succeeded(String reason, String message) {
    return new Outcome(true, reason, message);
  }

  public static Outcome failed(String reason, String message) {
    return new Outcome(false, reason, message);
  }
}
