package io.kubetask.operator.crontask;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleAction;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributeKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The Temporal Schedule a CronTask asks for, and how far a described Schedule is from it. */
public final class CronTaskSchedules {
  /** Temporal's smallest catch-up window. */
  public static final Duration MIN_CATCHUP_WINDOW = Duration.ofSeconds(10);

  private CronTaskSchedules() {}

  public static CronTaskRef ref(CronTask cronTask) {
    var metadata = cronTask.getMetadata();
    return new CronTaskRef(metadata.getNamespace(), metadata.getName(), metadata.getUid());
  }

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

  public static ScheduleOverlapPolicy overlap(ConcurrencyPolicy policy) {
    return switch (policy) {
      case FORBID -> ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP;
      case ALLOW -> ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;
      case REPLACE -> ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER;
    };
  }

  /**
   * How late a fire may still start: startingDeadlineSeconds (default 300, never Temporal's one
   * year), at least Temporal's minimum of 10 seconds.
   */
  public static Duration catchupWindow(CronTaskSpec spec) {
    Duration window = Duration.ofSeconds(spec.startingDeadlineSecondsOrDefault());
    return window.compareTo(MIN_CATCHUP_WINDOW) < 0 ? MIN_CATCHUP_WINDOW : window;
  }

  public static boolean suspended(CronTaskSpec spec) {
    return Boolean.TRUE.equals(spec.suspend());
  }

  /** The Schedule's note: why it is paused, or empty while it runs. */
  public static String note(CronTask cronTask) {
    return suspended(cronTask.getSpec())
        ? "spec.suspend is true (generation " + cronTask.getMetadata().getGeneration() + ")"
        : "";
  }

  /**
   * The Schedule of a valid CronTask: its calendars in its time zone start a CronTaskRun workflow
   * for the CronTask, under the overlap policy and catch-up window its spec asks for.
   *
   * @throws IllegalArgumentException when the schedule is invalid (see {@link #validate})
   */
  public static Schedule toSchedule(CronTask cronTask, String taskQueue) {
    CronTaskSpec spec = cronTask.getSpec();
    CronTaskRef ref = ref(cronTask);
    var attributes =
        io.temporal.common.SearchAttributes.newBuilder()
            .set(SearchAttributes.NAMESPACE, ref.namespace())
            .set(SearchAttributes.CRONTASK, ref.name())
            .build();
    return Schedule.newBuilder()
        .setAction(
            ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(CronTaskRunWorkflow.TYPE)
                .setOptions(
                    WorkflowOptions.newBuilder()
                        .setWorkflowId(ref.runWorkflowIdPrefix())
                        .setTaskQueue(taskQueue)
                        .setTypedSearchAttributes(attributes)
                        .build())
                .setArguments(ref)
                .build())
        .setSpec(
            ScheduleSpec.newBuilder()
                .setCalendars(CronCalendars.calendars(spec.schedule()))
                .setTimeZoneName(spec.timeZoneOrDefault())
                .build())
        .setPolicy(
            SchedulePolicy.newBuilder()
                .setOverlap(overlap(spec.concurrencyPolicyOrDefault()))
                .setCatchupWindow(catchupWindow(spec))
                .build())
        .setState(
            ScheduleState.newBuilder().setPaused(suspended(spec)).setNote(note(cronTask)).build())
        .build();
  }

  /**
   * What differs between the desired Schedule and a described one, as field names (empty when in
   * step). Calendars are compared by the times they match, because Temporal returns them normalised
   * (and cron strings converted to calendars), so whatever a human wrote in the UI or CLI is
   * compared by meaning, not by spelling.
   */
  public static List<String> differences(Schedule desired, Schedule actual) {
    List<String> differences = new ArrayList<>();
    ScheduleSpec want = desired.getSpec();
    ScheduleSpec have = actual.getSpec();
    if (have == null) {
      differences.add("spec");
    } else {
      if (!CronCalendars.matches(want.getCalendars())
          .equals(CronCalendars.matches(have.getCalendars()))) {
        differences.add("spec.calendars");
      }
      if (!isEmpty(have.getCronExpressions())) {
        differences.add("spec.cronExpressions");
      }
      if (!isEmpty(have.getIntervals())) {
        differences.add("spec.intervals");
      }
      if (!isEmpty(have.getSkip())) {
        differences.add("spec.skip");
      }
      if (have.getStartAt() != null || have.getEndAt() != null) {
        differences.add("spec.startAt/endAt");
      }
      if (have.getJitter() != null && !have.getJitter().isZero()) {
        differences.add("spec.jitter");
      }
      if (!zone(want.getTimeZoneName()).equals(zone(have.getTimeZoneName()))) {
        differences.add("spec.timeZoneName");
      }
    }
    SchedulePolicy wantPolicy = desired.getPolicy();
    SchedulePolicy havePolicy = actual.getPolicy();
    if (havePolicy == null) {
      differences.add("policy");
    } else {
      if (wantPolicy.getOverlap() != havePolicy.getOverlap()) {
        differences.add("policy.overlap");
      }
      if (!Objects.equals(wantPolicy.getCatchupWindow(), havePolicy.getCatchupWindow())) {
        differences.add("policy.catchupWindow");
      }
      if (havePolicy.isPauseOnFailure()) {
        differences.add("policy.pauseOnFailure");
      }
    }
    ScheduleState wantState = desired.getState();
    ScheduleState haveState = actual.getState();
    if (haveState == null) {
      differences.add("state");
    } else {
      if (wantState.isPaused() != haveState.isPaused()) {
        differences.add("state.paused");
      }
      if (!text(wantState.getNote()).equals(text(haveState.getNote()))) {
        differences.add("state.note");
      }
      if (haveState.isLimitedAction()) {
        differences.add("state.limitedAction");
      }
    }
    differences.addAll(actionDifferences(desired.getAction(), actual.getAction()));
    return differences;
  }

  private static List<String> actionDifferences(ScheduleAction desired, ScheduleAction actual) {
    if (!(actual instanceof ScheduleActionStartWorkflow have)) {
      return List.of("action");
    }
    ScheduleActionStartWorkflow want = (ScheduleActionStartWorkflow) desired;
    List<String> differences = new ArrayList<>();
    if (!Objects.equals(want.getWorkflowType(), have.getWorkflowType())) {
      differences.add("action.workflowType");
    }
    WorkflowOptions wantOptions = want.getOptions();
    WorkflowOptions haveOptions = have.getOptions();
    if (!Objects.equals(wantOptions.getWorkflowId(), haveOptions.getWorkflowId())) {
      differences.add("action.workflowId");
    }
    if (!Objects.equals(wantOptions.getTaskQueue(), haveOptions.getTaskQueue())) {
      differences.add("action.taskQueue");
    }
    if (!target(desired).equals(target(actual))) {
      differences.add("action.arguments");
    }
    if (!attributes(wantOptions).equals(attributes(haveOptions))) {
      differences.add("action.searchAttributes");
    }
    if (isSet(haveOptions.getWorkflowExecutionTimeout())
        || isSet(haveOptions.getWorkflowRunTimeout())
        || isSet(haveOptions.getWorkflowTaskTimeout())) {
      differences.add("action.timeouts");
    }
    if (haveOptions.getRetryOptions() != null) {
      differences.add("action.retryOptions");
    }
    return differences;
  }

  /**
   * How long a run-now must wait so that its fire gets a second of its own: a fire's Task name and
   * run workflow id carry its time in seconds, so a trigger in the same second as another fire
   * would meet that fire's run (and under Replace cancel it without a new Task). Zero when the
   * trigger may go now.
   */
  public static Duration runNowDelay(ScheduleInfo info, Instant now) {
    Instant clear = now;
    for (ScheduleActionResult recent : info.getRecentActions()) {
      Instant after = recent.getScheduledAt().truncatedTo(ChronoUnit.SECONDS).plus(SECOND_MARGIN);
      clear = after.isAfter(clear) ? after : clear;
    }
    for (Instant next : info.getNextActionTimes()) {
      // A fire due about now may not be in the recent actions yet.
      if (next.isAfter(now.minus(NEAR_FIRE)) && next.isBefore(now.plus(NEAR_FIRE))) {
        Instant after = next.truncatedTo(ChronoUnit.SECONDS).plus(SECOND_MARGIN);
        clear = after.isAfter(clear) ? after : clear;
      }
    }
    return Duration.between(now, clear);
  }

  /** Into the next second, with room for the trigger to reach the server. */
  private static final Duration SECOND_MARGIN = Duration.ofMillis(1200);

  private static final Duration NEAR_FIRE = Duration.ofSeconds(2);

  /** The CronTask a Schedule's action starts runs for, when its argument is one. */
  public static Optional<CronTaskRef> target(Schedule schedule) {
    return target(schedule.getAction());
  }

  private static Optional<CronTaskRef> target(ScheduleAction action) {
    if (!(action instanceof ScheduleActionStartWorkflow start)
        || start.getArguments() == null
        || start.getArguments().getSize() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(start.getArguments().get(0, CronTaskRef.class));
    } catch (RuntimeException e) {
      return Optional.empty(); // Edited by hand into something that is not a CronTaskRef.
    }
  }

  private static Map<String, Object> attributes(WorkflowOptions options) {
    Map<String, Object> values = new TreeMap<>();
    var attributes = options.getTypedSearchAttributes();
    if (attributes != null) {
      for (Map.Entry<SearchAttributeKey<?>, Object> e : attributes.getUntypedValues().entrySet()) {
        values.put(e.getKey().getName(), e.getValue());
      }
    }
    return values;
  }

  private static String zone(String name) {
    return name == null || name.isEmpty() ? CronTaskSpec.DEFAULT_TIME_ZONE : name;
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }

  private static boolean isSet(Duration d) {
    return d != null && !d.isZero();
  }
}
