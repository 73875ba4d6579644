package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.workflows.crontask.CronCalendars;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTaskSchedulesTest {

  private static Schedule schedule(CronTasks cronTask) {
    return CronTaskSchedules.toSchedule(cronTask.build(), "kubetask");
  }

  @Test
  void theActionStartsARunOfTheCronTask() {
    Schedule schedule = schedule(cronTask().named("team", "nightly").uid("u-9"));

    var action = (ScheduleActionStartWorkflow) schedule.getAction();
    assertThat(action.getWorkflowType()).isEqualTo("CronTaskRun");
    assertThat(action.getOptions().getWorkflowId()).isEqualTo("crontask-run/team/nightly");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo("kubetask");
    assertThat(action.getArguments().get(0, CronTaskRef.class))
        .isEqualTo(new CronTaskRef("team", "nightly", "u-9"));
    var attributes = action.getOptions().getTypedSearchAttributes();
    assertThat(attributes.get(SearchAttributes.NAMESPACE)).isEqualTo("team");
    assertThat(attributes.get(SearchAttributes.CRONTASK)).isEqualTo("nightly");
    assertThat(attributes.size()).isEqualTo(2);
    assertThat(new CronTaskRef("team", "nightly", "u-9").scheduleId())
        .isEqualTo("crontask/team/nightly");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "null, SCHEDULE_OVERLAP_POLICY_SKIP",
        "FORBID, SCHEDULE_OVERLAP_POLICY_SKIP",
        "ALLOW, SCHEDULE_OVERLAP_POLICY_ALLOW_ALL",
        "REPLACE, SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER"
      })
  void concurrencyPoliciesMapToOverlapPolicies(
      ConcurrencyPolicy policy, ScheduleOverlapPolicy overlap) {
    assertThat(schedule(cronTask().policy(policy)).getPolicy().getOverlap()).isEqualTo(overlap);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {"null, 300", "0, 10", "9, 10", "10, 10", "45, 45", "86400, 86400"})
  void theCatchupWindowIsTheStartingDeadlineWithADefaultAndAFloor(Long deadline, long seconds) {
    SchedulePolicy policy = schedule(cronTask().deadline(deadline)).getPolicy();
    assertThat(policy.getCatchupWindow()).isEqualTo(Duration.ofSeconds(seconds));
    assertThat(policy.isPauseOnFailure()).isFalse();
  }

  @Test
  void theTimeZoneDefaultsToUtc() {
    assertThat(schedule(cronTask()).getSpec().getTimeZoneName()).isEqualTo("UTC");
    assertThat(schedule(cronTask().timeZone("Asia/Tokyo")).getSpec().getTimeZoneName())
        .isEqualTo("Asia/Tokyo");
  }

  @Test
  void suspendPausesWithANoteSayingWhy() {
    ScheduleState paused = schedule(cronTask().suspend(true).generation(4)).getState();
    assertThat(paused.isPaused()).isTrue();
    assertThat(paused.getNote()).isEqualTo("spec.suspend is true (generation 4)");

    ScheduleState running = schedule(cronTask().suspend(false)).getState();
    assertThat(running.isPaused()).isFalse();
    assertThat(running.getNote()).isEmpty();
    assertThat(schedule(cronTask()).getState().isPaused()).isFalse();
  }

  @Test
  void aScheduleBecomesOneCalendar() {
    ScheduleSpec spec = schedule(cronTask().schedule("*/15 9-17 * * 1-5")).getSpec();

    assertThat(spec.getCronExpressions()).isNullOrEmpty();
    assertThat(spec.getCalendars()).hasSize(1);
    ScheduleCalendarSpec calendar = spec.getCalendars().get(0);
    assertThat(calendar.getSeconds()).containsExactly(new ScheduleRange(0, 0, 1));
    assertThat(calendar.getMinutes()).containsExactly(new ScheduleRange(0, 45, 15));
    assertThat(calendar.getHour()).containsExactly(new ScheduleRange(9, 17, 1));
    assertThat(calendar.getDayOfMonth()).containsExactly(new ScheduleRange(1, 31, 1));
    assertThat(calendar.getMonth()).containsExactly(new ScheduleRange(1, 12, 1));
    assertThat(calendar.getDayOfWeek()).containsExactly(new ScheduleRange(1, 5, 1));
    assertThat(calendar.getComment()).isEqualTo("*/15 9-17 * * 1-5");
  }

  @ParameterizedTest
  @CsvSource({
    "@yearly, 0 0 1 1 *",
    "@annually, 0 0 1 1 *",
    "@monthly, 0 0 1 * *",
    "@weekly, 0 0 * * 0",
    "@daily, 0 0 * * *",
    "@midnight, 0 0 * * *",
    "@hourly, 0 * * * *",
    "0 0 ? * MON-FRI, 0 0 * * 1-5",
    "0 0 * JAN-MAR SUN, 0 0 * 1-3 0",
    "0 0 * * 7, 0 0 * * 0",
    "0 0 * * 0-7, 0 0 * * *",
    "0 0 * * sun-sat, 0 0 * * *",
    "1-5 0 * * *, '1,2,3,4,5 0 * * *'",
    "5/20 0 * * *, '5,25,45 0 * * *'",
    "'  0   9 * * *  ', 0 9 * * *"
  })
  void macrosNamesAndAliasesMeanTheSameAsTheirPlainForm(String schedule, String plain) {
    assertThat(CronCalendars.matches(CronCalendars.calendars(schedule)))
        .isEqualTo(CronCalendars.matches(CronCalendars.calendars(plain)));
  }

  @Test
  void restrictedDayOfMonthAndDayOfWeekEitherMatchAsInCron() {
    List<ScheduleCalendarSpec> calendars = CronCalendars.calendars("0 0 13 * 5");
    assertThat(calendars).hasSize(2);

    List<LocalDateTime> fires = fires(calendars, LocalDateTime.of(2025, 6, 1, 0, 0), 31);
    // June 2025: Fridays 6, 13, 20, 27 and the 13th (a Friday as well).
    assertThat(fires).extracting(LocalDateTime::getDayOfMonth).containsExactly(6, 13, 20, 27);
    fires = fires(calendars, LocalDateTime.of(2025, 5, 1, 0, 0), 31);
    assertThat(fires)
        .extracting(LocalDateTime::getDayOfMonth)
        .containsExactly(2, 9, 13, 16, 23, 30);

    // With a * day field (even with a step) the two are ANDed, as in cron.
    assertThat(CronCalendars.calendars("0 0 */2 * 1-5")).hasSize(1);
    assertThat(
            fires(CronCalendars.calendars("0 0 */2 * 1"), LocalDateTime.of(2025, 6, 1, 0, 0), 30))
        .allMatch(t -> t.getDayOfWeek() == DayOfWeek.MONDAY && t.getDayOfMonth() % 2 == 1);
  }

  /** Midnight fires matched by the calendars on each of {@code days} days from {@code from}. */
  private static List<LocalDateTime> fires(
      List<ScheduleCalendarSpec> calendars, LocalDateTime from, int days) {
    List<LocalDateTime> fires = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      LocalDateTime t = from.plusDays(d);
      if (CronCalendars.fires(calendars, t)) {
        fires.add(t);
      }
    }
    return fires;
  }
}
