package io.kubetask.operator.crontask;

import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.workflows.crontask.CronCalendars;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a CronTask's schedule and time zone can become a Temporal Schedule. The CRD's rules catch
 * the shape; these checks need a cron parser and the time-zone database.
 */
public final class CronTaskValidator {
  private CronTaskValidator() {}

  /**
   * Why the CronTask's schedule or time zone cannot be used, in the parser's words, or empty when
   * both are valid.
   */
  public static Optional<String> validate(CronTaskSpec spec) {
    List<String> problems = new ArrayList<>();
    try {
      CronCalendars.calendars(spec.schedule());
    } catch (IllegalArgumentException e) {
      problems.add("Invalid cron schedule \"" + spec.schedule() + "\": " + e.getMessage());
    }
    timeZoneProblem(spec.timeZone()).ifPresent(problems::add);
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  private static Optional<String> timeZoneProblem(String timeZone) {
    if (timeZone == null) {
      return Optional.empty();
    }
    String prefix = "Invalid time zone \"" + timeZone + "\": ";
    try {
      ZoneId.of(timeZone);
    } catch (RuntimeException e) {
      return Optional.of(prefix + e.getMessage());
    }
    // Offsets such as +02:00 parse in Java but are no IANA names, which Temporal needs.
    if (!timeZone.equals(CronTaskSpec.DEFAULT_TIME_ZONE)
        && !ZoneId.getAvailableZoneIds().contains(timeZone)) {
      return Optional.of(prefix + "not an IANA time zone name such as Europe/Berlin");
    }
    return Optional.empty();
  }
}
