package io.kubetask.operator.crontask;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.workflows.crontask.CronCalendars;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.crontask.FireDecision;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.time.Duration;
import java.util.Optional;

/** The Temporal Schedule a CronTask asks for, and the CronTask a Schedule starts runs for. */
public final class CronTaskSchedules {
  private CronTaskSchedules() {}

  public static CronTaskRef ref(CronTask cronTask) {
    var metadata = cronTask.getMetadata();
    return new CronTaskRef(metadata.getNamespace(), metadata.getName(), metadata.getUid());
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
   * year), at least Temporal's minimum of 10 seconds. The worker holds a fire to the same deadline.
   */
  public static Duration catchupWindow(CronTaskSpec spec) {
    return FireDecision.startingDeadline(spec);
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

  /** The CronTask a Schedule's action starts runs for, when its argument is one. */
  public static Optional<CronTaskRef> target(Schedule schedule) {
    if (!(schedule.getAction() instanceof ScheduleActionStartWorkflow start)
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
}
