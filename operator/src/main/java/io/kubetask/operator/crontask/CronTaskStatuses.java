package io.kubetask.operator.crontask;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.crontask.CronCalendars;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.Owners;
import io.kubetask.workflows.k8s.Times;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** A CronTask's status, derived from its Tasks and its Schedule's description. */
public final class CronTaskStatuses {
  /** Reason of Scheduled=True. */
  public static final String SCHEDULE_ACTIVE = "ScheduleActive";

  /** Reason of Suspended=False. */
  public static final String NOT_SUSPENDED = "NotSuspended";

  public static final String RESUMED = "Resumed";
  public static final String SKIPPED = "Skipped";
  public static final String MISSED = "Missed";

  /** How long after a fire the operator looks again, so the status shows the fire's Task. */
  static final Duration AFTER_FIRE = Duration.ofSeconds(2);

  private CronTaskStatuses() {}

  /** An Event the status change calls for. */
  public record Event(boolean warning, String reason, String message) {}

  /**
   * The CronTask's own Tasks: controlled by this CronTask object (not an earlier one of its name).
   */
  public static List<Task> children(CronTask cronTask, Collection<Task> tasks) {
    String uid = cronTask.getMetadata().getUid();
    return tasks.stream().filter(t -> Owners.controlledBy(t, uid)).toList();
  }

  /**
   * The status the CronTask should have.
   *
   * @param cronTask the CronTask with its current status
   * @param children its Tasks
   * @param invalid why its schedule is invalid, or null
   * @param info its Schedule's info, or null when there is no Schedule
   * @param now the current time
   */
  public static CronTaskStatus derive(
      CronTask cronTask,
      Collection<Task> children,
      String invalid,
      ScheduleInfo info,
      Instant now) {
    CronTaskSpec spec = cronTask.getSpec();
    CronTaskStatus old = cronTask.getStatus();
    Long generation = cronTask.getMetadata().getGeneration();
    boolean suspended = CronTaskSchedules.suspended(spec);

    List<ObjectReference> active =
        children.stream()
            .filter(t -> !finished(t))
            .sorted(Comparator.comparing((Task t) -> t.getMetadata().getName()))
            .map(CronTaskStatuses::reference)
            .toList();

    Stream<Instant> scheduled =
        Stream.concat(
            children.stream()
                .map(t -> Metadata.annotation(t, KubeTaskAnnotations.SCHEDULED_AT))
                .map(Times::instant),
            info == null
                ? Stream.empty()
                : info.getRecentActions().stream().map(ScheduleActionResult::getScheduledAt));
    String lastSchedule = latest(scheduled, old == null ? null : old.lastScheduleTime());

    Stream<Instant> succeeded =
        children.stream()
            .filter(t -> t.getStatus() != null && t.getStatus().phase() == TaskPhase.COMPLETED)
            .map(t -> Times.instant(t.getStatus().completionTime()));
    String lastSuccess = latest(succeeded, old == null ? null : old.lastSuccessfulTime());

    String next = null;
    if (invalid == null && !suspended && info != null && !info.getNextActionTimes().isEmpty()) {
      next = Times.format(info.getNextActionTimes().get(0));
    }

    List<Condition> conditions = old == null ? null : old.conditions();
    String scheduleId = CronTaskSchedules.ref(cronTask).scheduleId();
    if (invalid != null) {
      conditions =
          ConditionLists.set(
              conditions,
              Conditions.SCHEDULED,
              "False",
              Conditions.INVALID_SCHEDULE,
              invalid,
              generation,
              now);
    } else {
      String message =
          "Temporal Schedule "
              + scheduleId
              + " fires on \""
              + spec.schedule().trim()
              + "\" ("
              + spec.timeZoneOrDefault()
              + ").";
      conditions =
          ConditionLists.set(
              conditions, Conditions.SCHEDULED, "True", SCHEDULE_ACTIVE, message, generation, now);
    }
    conditions =
        suspended
            ? ConditionLists.set(
                conditions,
                Conditions.SUSPENDED,
                "True",
                Conditions.SUSPENDED,
                "spec.suspend is true: no fires until it is false; running Tasks go on.",
                generation,
                now)
            : ConditionLists.set(
                conditions,
                Conditions.SUSPENDED,
                "False",
                NOT_SUSPENDED,
                "Fires create Tasks.",
                generation,
                now);

    Long skipped =
        info != null
            ? info.getNumActionsSkippedOverlap()
            : previous(old, CronTaskStatus::skippedFires);
    Long missed =
        info != null
            ? info.getNumActionsMissedCatchupWindow()
            : previous(old, CronTaskStatus::missedFires);
    return new CronTaskStatus(
        active.isEmpty() ? null : active,
        active.size(),
        lastSchedule,
        lastSuccess,
        next,
        skipped,
        missed,
        conditions,
        generation,
        invalid == null ? scheduleId : null,
        // The worker's to write, when a fire happens.
        old == null ? null : old.lastFire(),
        old == null ? null : old.fires());
  }

  /** The Events that tell the story of a status change. */
  public static List<Event> events(
      CronTaskStatus old, CronTaskStatus updated, CronTaskSpec spec, Instant now) {
    List<Event> events = new ArrayList<>();
    if (old != null
        && old.skippedFires() != null
        && updated.skippedFires() != null
        && updated.skippedFires() > old.skippedFires()) {
      long n = updated.skippedFires() - old.skippedFires();
      String why =
          spec.concurrencyPolicyOrDefault() == ConcurrencyPolicy.FORBID
              ? "a Task of this CronTask was still active (concurrencyPolicy Forbid)"
              : "an earlier fire was still being handled";
      events.add(new Event(false, SKIPPED, n + " fire(s) skipped: " + why + "."));
    }
    if (old != null
        && old.missedFires() != null
        && updated.missedFires() != null
        && updated.missedFires() > old.missedFires()) {
      long n = updated.missedFires() - old.missedFires();
      Duration window = CronTaskSchedules.catchupWindow(spec);
      String newest =
          newestMissed(spec, now.minus(window), Times.instant(old.lastScheduleTime()))
              .map(
                  at ->
                      ", the newest scheduled at "
                          + at
                          + ", "
                          + Duration.between(at, now).toSeconds()
                          + " s ago")
              .orElse("");
      events.add(
          new Event(
              true,
              MISSED,
              n
                  + " fire(s) missed"
                  + newest
                  + ": they could not start within "
                  + window.toSeconds()
                  + " seconds (startingDeadlineSeconds) of their scheduled time."));
    }
    Optional<Condition> newScheduled =
        ConditionLists.find(updated.conditions(), Conditions.SCHEDULED);
    Optional<Condition> oldScheduled =
        ConditionLists.find(old == null ? null : old.conditions(), Conditions.SCHEDULED);
    if (newScheduled.filter(c -> "False".equals(c.getStatus())).isPresent()
        && !(oldScheduled.map(Condition::getStatus).orElse("").equals("False")
            && Objects.equals(oldScheduled.get().getMessage(), newScheduled.get().getMessage()))) {
      events.add(new Event(true, Conditions.INVALID_SCHEDULE, newScheduled.get().getMessage()));
    }
    String wasSuspended =
        ConditionLists.find(old == null ? null : old.conditions(), Conditions.SUSPENDED)
            .map(Condition::getStatus)
            .orElse("False");
    String isSuspended =
        ConditionLists.find(updated.conditions(), Conditions.SUSPENDED)
            .map(Condition::getStatus)
            .orElse("False");
    if (!wasSuspended.equals(isSuspended)) {
      events.add(
          "True".equals(isSuspended)
              ? new Event(false, Conditions.SUSPENDED, "Scheduling paused: spec.suspend is true.")
              : new Event(
                  false,
                  RESUMED,
                  "Scheduling resumed; fires missed while suspended are not made up."));
    }
    return events;
  }

  /**
   * When the newest fire the Schedule missed was due: the Schedule counts its misses but does not
   * say which they were. It is the newest fire of the schedule too old to start any more, and newer
   * than the newest fire that ran.
   */
  static Optional<Instant> newestMissed(CronTaskSpec spec, Instant tooOld, Instant lastRan) {
    try {
      return CronCalendars.latestFire(
          CronCalendars.calendars(spec.schedule()),
          ZoneId.of(spec.timeZoneOrDefault()),
          tooOld,
          lastRan);
    } catch (RuntimeException e) {
      return Optional.empty(); // An invalid schedule has no fires to name.
    }
  }

  /** When to look again: just after the next fire, and at least once per resync period. */
  public static Duration nextReconcile(CronTaskStatus status, Instant now, Duration resync) {
    if (status.nextScheduleTime() == null) {
      return resync;
    }
    Duration untilFire =
        Duration.between(now, Times.instant(status.nextScheduleTime())).plus(AFTER_FIRE);
    if (untilFire.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return untilFire.compareTo(resync) < 0 ? untilFire : resync;
  }

  static boolean finished(Task task) {
    return task.getStatus() != null
        && task.getStatus().phase() != null
        && task.getStatus().phase().isFinished();
  }

  private static ObjectReference reference(Task task) {
    return new ObjectReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(Task.class))
        .withKind(HasMetadata.getKind(Task.class))
        .withName(task.getMetadata().getName())
        .withNamespace(task.getMetadata().getNamespace())
        .withUid(task.getMetadata().getUid())
        .build();
  }

  private static String latest(Stream<Instant> candidates, String previous) {
    return Stream.concat(candidates, Stream.of(Times.instant(previous)))
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder())
        .map(Times::format)
        .orElse(null);
  }

  private static Long previous(
      CronTaskStatus old, java.util.function.Function<CronTaskStatus, Long> field) {
    Long value = old == null ? null : field.apply(old);
    return value == null ? 0L : value;
  }
}
