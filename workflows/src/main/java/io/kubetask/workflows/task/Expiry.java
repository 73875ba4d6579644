package io.kubetask.workflows.task;

/**
 * When a finished Task is deleted.
 *
 * @param expiresAtEpochMillis the deadline, or -1 when cleanup is disabled (TTL 0)
 * @param present false when the Task no longer exists
 */
public record Expiry(long expiresAtEpochMillis, boolean present) {

  public static Expiry at(long epochMillis) {
    return new Expiry(epochMillis, true);
  }

  public static Expiry never() {
    return new Expiry(-1, true);
  }

  public static Expiry gone() {
    return new Expiry(-1, false);
  }

  public boolean disabled() {
    return expiresAtEpochMillis < 0;
  }
}
