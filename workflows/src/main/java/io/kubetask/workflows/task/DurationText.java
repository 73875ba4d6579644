package io.kubetask.workflows.task;

/** Seconds written as a user would write a duration in a spec: {@code 90} is {@code 1m30s}. */
final class DurationText {
  private DurationText() {}

  static String of(long seconds) {
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (rest > 0) {
      text.append(rest).append('s');
    }
    return text.toString();
  }
}
