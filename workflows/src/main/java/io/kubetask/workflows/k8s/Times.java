package io.kubetask.workflows.k8s;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The RFC 3339 times of Kubernetes objects (timestamps, status times, annotations). */
public final class Times {
  private Times() {}

  /**
   * The instant of an RFC 3339 time, with or without fractions of a second and in any offset; null
   * when there is none or it cannot be read (a hand-edited status must not fail a reconciliation).
   */
  public static Instant instant(String rfc3339) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The instant in whole seconds, as Kubernetes writes its own times, e.g. 2025-12-10T09:00:00Z.
   */
  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
