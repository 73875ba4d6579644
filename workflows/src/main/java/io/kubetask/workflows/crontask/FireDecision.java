package io.kubetask.workflows.crontask;

import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.Metadata;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * What a fire does, decided from the CronTask and its Tasks as the API server has them at the
 * moment of the fire. The Schedule (overlap policy, pause, calendars) is only a first filter: it
 * may be late, or lost with Temporal's state, so the CRs decide.
 *
 * @param outcome {@link CronTaskFireStatus} outcome: Created, Skipped or Missed
 * @param reason {@link CronTaskFireStatus} reason: why it creates, skips or misses
 * @param message what happened, for the Event and {@code status.lastFire}
 * @param toStop the active Tasks this fire replaces (concurrencyPolicy Replace)
 */
public record FireDecision(String outcome, String reason, String message, List<Task> toStop) {

  /** Temporal's least catch-up window, which the Schedule's startingDeadlineSeconds obeys too. */
  public static final Duration MIN_STARTING_DEADLINE = Duration.ofSeconds(10);

  /**
   * @param others the CronTask's Tasks other than the fire's own
   * @param scheduledAt the fire's scheduled time, or the time of a run-now
   * @param now when the fire is handled
   */
  public static FireDecision decide(
      CronTask cronTask, List<Task> others, Instant scheduledAt, Instant now) {
    CronTaskSpec spec = cronTask.getSpec();
    boolean runNow = isRunNow(scheduledAt);
    if (!runNow && Boolean.TRUE.equals(spec.suspend())) {
      return skip(
          CronTaskFireStatus.SUSPENDED,
          "spec.suspend is true; the Schedule was not paused in time.");
    }
    if (!runNow && !stillScheduled(spec, scheduledAt)) {
      return skip(
          CronTaskFireStatus.STALE,
          "the fire was scheduled for a schedule the CronTask no longer has (now \""
              + spec.schedule()
              + "\" in "
              + spec.timeZoneOrDefault()
              + ").");
    }
    Duration late = Duration.between(scheduledAt, now);
    Duration deadline = startingDeadline(spec);
    if (!runNow && late.compareTo(deadline) > 0) {
      // What a CronJob does when its controller comes back too late: the fire is not made up.
      return new FireDecision(
          CronTaskFireStatus.MISSED,
          CronTaskFireStatus.LATE,
          "it could be handled only "
              + late.toSeconds()
              + " s after its scheduled time, past startingDeadlineSeconds ("
              + deadline.toSeconds()
              + " s).",
          List.of());
    }
    List<Task> active = others.stream().filter(FireDecision::active).toList();
    String why = runNow ? CronTaskFireStatus.RUN_NOW : CronTaskFireStatus.SCHEDULED;
    return switch (spec.concurrencyPolicyOrDefault()) {
      case ALLOW -> create(why, List.of());
      case FORBID ->
          active.isEmpty()
              ? create(why, List.of())
              : skip(
                  CronTaskFireStatus.FORBID,
                  "Task "
                      + active.get(0).getMetadata().getName()
                      + " of this CronTask is still active (concurrencyPolicy Forbid).");
      case REPLACE -> {
        List<Task> toStop =
            active.stream()
                .filter(t -> !Metadata.hasAnnotation(t, KubeTaskAnnotations.STOP))
                .toList();
        yield toStop.isEmpty()
            ? create(why, List.of())
            : create(CronTaskFireStatus.REPLACED, toStop);
      }
    };
  }

  /**
   * Whether a fire came from run-now rather than the calendar: cron fires land on whole minutes,
   * and the operator keeps run-now triggers off second 0. A run-now fires also while suspended and
   * does not depend on the schedule.
   */
  public static boolean isRunNow(Instant scheduledAt) {
    return scheduledAt.getEpochSecond() % 60 != 0;
  }

  /** Whether the CronTask's schedule, in its time zone, still has a fire at this time. */
  static boolean stillScheduled(CronTaskSpec spec, Instant scheduledAt) {
    try {
      LocalDateTime local =
          LocalDateTime.ofInstant(scheduledAt, ZoneId.of(spec.timeZoneOrDefault()));
      return CronCalendars.fires(CronCalendars.calendars(spec.schedule()), local);
    } catch (RuntimeException e) {
      return false; // An invalid schedule or time zone has no fires.
    }
  }

  /** A Task that has not finished and is not being deleted. */
  static boolean active(Task task) {
    return task.getMetadata().getDeletionTimestamp() == null
        && (task.getStatus() == null
            || task.getStatus().phase() == null
            || !task.getStatus().phase().isFinished());
  }

  /**
   * How late a calendar fire may be handled: startingDeadlineSeconds, at least the 10 seconds the
   * Schedule's catch-up window has at the least.
   */
  public static Duration startingDeadline(CronTaskSpec spec) {
    return Duration.ofSeconds(
        Math.max(MIN_STARTING_DEADLINE.toSeconds(), spec.startingDeadlineSecondsOrDefault()));
  }

  /** Whether the fire creates its Task. */
  public boolean create() {
    return CronTaskFireStatus.CREATED.equals(outcome);
  }

  private static FireDecision create(String reason, List<Task> toStop) {
    return new FireDecision(CronTaskFireStatus.CREATED, reason, null, toStop);
  }

  private static FireDecision skip(String reason, String message) {
    return new FireDecision(CronTaskFireStatus.SKIPPED, reason, message, List.of());
  }
}
