package io.kubetask.operator.crontask;

import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.workflows.crontask.CronCalendars;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributeKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How far a CronTask's Temporal Schedule is from the one its spec asks for, and what that calls
 * for. Temporal returns Schedules normalised, so fields are compared by meaning, not by spelling.
 */
public final class ScheduleDrift {

  /** Where the Schedule stands, each with its own remedy and Event. */
  public enum Kind {
    /** In step with the spec: nothing to do. */
    IN_STEP,
    /** There is none and the CronTask never had one: create it. */
    NOT_CREATED,
    /**
     * The CronTask had one and it is gone (deleted by hand, or with Temporal's state): create it.
     */
    MISSING,
    /** It belongs to an earlier CronTask of the same name: delete it and create a fresh one. */
    EARLIER_CRONTASK,
    /** The CronTask's spec changed since its status was written: update the Schedule. */
    SPEC_CHANGED,
    /** Changed outside KubeTask (Temporal UI or CLI) while the spec stayed: restore it. */
    EDITED
  }

  /**
   * @param kind where the Schedule stands
   * @param differences the fields that differ, for {@link Kind#SPEC_CHANGED} and {@link
   *     Kind#EDITED}; else empty
   */
  public record Drift(Kind kind, List<String> differences) {}

  private ScheduleDrift() {}

  /**
   * Where the CronTask's Schedule stands.
   *
   * @param cronTask the CronTask, with the status it had before this reconciliation
   * @param desired the Schedule its spec asks for
   * @param current the Schedule Temporal describes, or null when there is none
   */
  public static Drift of(CronTask cronTask, Schedule desired, Schedule current) {
    CronTaskStatus status = cronTask.getStatus();
    if (current == null) {
      boolean hadOne = status != null && status.scheduleId() != null;
      return new Drift(hadOne ? Kind.MISSING : Kind.NOT_CREATED, List.of());
    }
    Optional<CronTaskRef> owner = CronTaskSchedules.target(current);
    if (owner.isPresent() && !Objects.equals(owner.get().uid(), cronTask.getMetadata().getUid())) {
      return new Drift(Kind.EARLIER_CRONTASK, List.of());
    }
    List<String> differences = differences(desired, current);
    if (differences.isEmpty()) {
      return new Drift(Kind.IN_STEP, differences);
    }
    boolean specChanged =
        status == null
            || !Objects.equals(status.observedGeneration(), cronTask.getMetadata().getGeneration());
    return new Drift(specChanged ? Kind.SPEC_CHANGED : Kind.EDITED, differences);
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
    differences.addAll(actionDifferences(desired, actual));
    return differences;
  }

  private static List<String> actionDifferences(Schedule desired, Schedule actual) {
    if (!(actual.getAction() instanceof ScheduleActionStartWorkflow have)) {
      return List.of("action");
    }
    ScheduleActionStartWorkflow want = (ScheduleActionStartWorkflow) desired.getAction();
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
    if (!CronTaskSchedules.target(desired).equals(CronTaskSchedules.target(actual))) {
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
