package io.kubetask.workflows.crontask;

import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.Metadata;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * What a fire does, decided from the CronTask and its Tasks as the API server has them at the
 * moment of the fire. The Schedule (overlap policy, pause, calendars) is only a first filter: it
 * may be late, or lost with Temporal's state, so the CRs decide.
 *
 * @param create whether the fire creates its Task
 * @param reason {@link CronTaskFireStatus} reason: why it creates or skips
 * @param message what happened, for the Event and {@code status.lastFire}
 * @param toStop the active Tasks this fire replaces (concurrencyPolicy Replace)
 */
public record FireDecision(boolean create, String reason, String message, List<Task> toStop) {

  /**
   * @param others the CronTask's Tasks other than the fire's own
   * @param scheduledAt the fire's scheduled time, or the time of a run-now
   */
  public static FireDecision decide(CronTask cronTask, List<Task> others, Instant scheduledAt) {
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
    List<Task> active = others.stream().filter(FireDecision::active).toList();
    String why = runNow ? CronTaskFireStatus.RUN_NOW : CronTaskFireStatus.SCHEDULED;
    return switch (spec.concurrencyPolicyOrDefault()) {
      case ALLOW -> new FireDecision(true, why, null, List.of());
      case FORBID ->
          active.isEmpty()
              ? new FireDecision(true, why, null, List.of())
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
            ? new FireDecision(true, why, null, List.of())
            : new FireDecision(true, CronTaskFireStatus.REPLACED, null, toStop);
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

  private static FireDecision skip(String reason, String message) {
    return new FireDecision(false, reason, message, List.of());
  }
}
