package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.operator.crontask.ScheduleDrift.Drift;
import io.kubetask.operator.crontask.ScheduleDrift.Kind;
import io.kubetask.workflows.crontask.CronCalendars;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ScheduleDriftTest {

  private static Schedule schedule(CronTasks cronTask) {
    return CronTaskSchedules.toSchedule(cronTask.build(), "kubetask");
  }

  /** A CronTask whose status was written for {@code observedGeneration}, with a Schedule or not. */
  private static CronTask withStatus(
      CronTasks cronTask, Long observedGeneration, String scheduleId) {
    CronTask built = cronTask.build();
    built.setStatus(
        new CronTaskStatus(
            null, 0, null, null, null, 0L, 0L, null, observedGeneration, scheduleId, null, null));
    return built;
  }

  @Test
  void aCronTaskWithoutAScheduleGetsOne() {
    CronTask fresh = cronTask().build();
    fresh.setStatus(null);

    assertThat(ScheduleDrift.of(fresh, schedule(cronTask()), null))
        .isEqualTo(new Drift(Kind.NOT_CREATED, List.of()));
    assertThat(
            ScheduleDrift.of(withStatus(cronTask(), 1L, null), schedule(cronTask()), null).kind())
        .isEqualTo(Kind.NOT_CREATED);
  }

  @Test
  void aScheduleTheCronTaskHadIsMissing() {
    CronTask cronTask = withStatus(cronTask(), 1L, "crontask/team/nightly");

    assertThat(ScheduleDrift.of(cronTask, schedule(cronTask()), null))
        .isEqualTo(new Drift(Kind.MISSING, List.of()));
  }

  @Test
  void theScheduleOfAnEarlierCronTaskOfTheSameNameIsNotOurs() {
    CronTask cronTask = withStatus(cronTask().uid("uid-2"), 1L, "crontask/team/nightly");
    Schedule earlier = schedule(cronTask().uid("uid-1"));

    assertThat(ScheduleDrift.of(cronTask, schedule(cronTask().uid("uid-2")), earlier))
        .isEqualTo(new Drift(Kind.EARLIER_CRONTASK, List.of()));
  }

  @Test
  void aScheduleInStepNeedsNothing() {
    CronTask cronTask = withStatus(cronTask(), 1L, "crontask/team/nightly");

    assertThat(ScheduleDrift.of(cronTask, schedule(cronTask()), schedule(cronTask())))
        .isEqualTo(new Drift(Kind.IN_STEP, List.of()));
  }

  @Test
  void aDifferenceAfterASpecChangeIsAnUpdate() {
    CronTasks edited = cronTask().generation(2).timeZone("Europe/Berlin");

    assertThat(
            ScheduleDrift.of(
                withStatus(edited, 1L, "crontask/team/nightly"),
                schedule(edited),
                schedule(cronTask())))
        .isEqualTo(new Drift(Kind.SPEC_CHANGED, List.of("spec.timeZoneName")));
    CronTask neverRecorded = edited.build();
    neverRecorded.setStatus(null);
    assertThat(ScheduleDrift.of(neverRecorded, schedule(edited), schedule(cronTask())).kind())
        .isEqualTo(Kind.SPEC_CHANGED);
  }

  @Test
  void aDifferenceWithTheSpecUnchangedIsAHandEdit() {
    CronTask cronTask = withStatus(cronTask(), 1L, "crontask/team/nightly");
    Schedule desired = schedule(cronTask());
    Schedule paused =
        Schedule.newBuilder(desired)
            .setState(ScheduleState.newBuilder().setPaused(true).setNote("by hand").build())
            .build();

    assertThat(ScheduleDrift.of(cronTask, desired, paused))
        .isEqualTo(new Drift(Kind.EDITED, List.of("state.paused", "state.note")));
  }

  @Test
  void aScheduleIsInStepWithItselfAndWithTheServersSpelling() {
    Schedule desired = schedule(cronTask().schedule("0,30 9 * * MON-FRI"));
    assertThat(ScheduleDrift.differences(desired, desired)).isEmpty();

    // Temporal returns a cron string as normalised calendars: same times, other ranges.
    ScheduleCalendarSpec asReturned =
        ScheduleCalendarSpec.newBuilder()
            .setSeconds(List.of(new ScheduleRange(0, 0, 1)))
            .setMinutes(List.of(new ScheduleRange(0, 0, 1), new ScheduleRange(30, 30, 1)))
            .setHour(List.of(new ScheduleRange(9, 0, 0)))
            .setDayOfMonth(List.of(new ScheduleRange(1, 31, 1)))
            .setMonth(List.of(new ScheduleRange(1, 12, 1)))
            .setDayOfWeek(List.of(new ScheduleRange(1, 5, 1)))
            .build();
    Schedule described = withSpec(desired, s -> s.setCalendars(List.of(asReturned)));
    assertThat(ScheduleDrift.differences(desired, described)).isEmpty();
  }

  @Test
  void handEditsAreFound() {
    Schedule desired = schedule(cronTask().suspend(false));

    assertThat(
            diff(
                desired,
                withSpec(desired, s -> s.setCalendars(CronCalendars.calendars("0 10 * * *")))))
        .containsExactly("spec.calendars");
    assertThat(diff(desired, withSpec(desired, s -> s.setTimeZoneName("Europe/Paris"))))
        .containsExactly("spec.timeZoneName");
    assertThat(
            diff(
                desired,
                withSpec(
                    desired,
                    s -> s.setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofMinutes(5)))))))
        .containsExactly("spec.intervals");
    assertThat(
            diff(
                desired,
                Schedule.newBuilder(desired)
                    .setState(
                        ScheduleState.newBuilder()
                            .setPaused(true)
                            .setNote("paused in the UI")
                            .build())
                    .build()))
        .containsExactly("state.paused", "state.note");
    assertThat(
            diff(
                desired,
                Schedule.newBuilder(desired)
                    .setPolicy(
                        SchedulePolicy.newBuilder(desired.getPolicy())
                            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL)
                            .setCatchupWindow(Duration.ofDays(365))
                            .build())
                    .build()))
        .containsExactly("policy.overlap", "policy.catchupWindow");
    var action = (ScheduleActionStartWorkflow) desired.getAction();
    Schedule otherAction =
        Schedule.newBuilder(desired)
            .setAction(
                ScheduleActionStartWorkflow.newBuilder(action)
                    .setOptions(
                        WorkflowOptions.newBuilder(action.getOptions())
                            .setTaskQueue("elsewhere")
                            .build())
                    .setArguments(new CronTaskRef("team", "nightly", "another-uid"))
                    .build())
            .build();
    assertThat(diff(desired, otherAction)).containsExactly("action.taskQueue", "action.arguments");
    assertThat(CronTaskSchedules.target(otherAction))
        .contains(new CronTaskRef("team", "nightly", "another-uid"));
  }

  private static List<String> diff(Schedule desired, Schedule actual) {
    return ScheduleDrift.differences(desired, actual);
  }

  private static Schedule withSpec(Schedule schedule, UnaryOperator<ScheduleSpec.Builder> edit) {
    return Schedule.newBuilder(schedule)
        .setSpec(edit.apply(ScheduleSpec.newBuilder(schedule.getSpec())).build())
        .build();
  }
}
