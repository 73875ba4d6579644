package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
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
      if (calendars.stream().anyMatch(c -> matches(c, t))) {
        fires.add(t);
      }
    }
    return fires;
  }

  private static boolean matches(ScheduleCalendarSpec c, LocalDateTime t) {
    return in(c.getMinutes(), t.getMinute())
        && in(c.getHour(), t.getHour())
        && in(c.getDayOfMonth(), t.getDayOfMonth())
        && in(c.getMonth(), t.getMonthValue())
        && in(c.getDayOfWeek(), t.getDayOfWeek().getValue() % 7);
  }

  private static boolean in(List<ScheduleRange> ranges, int value) {
    return ranges.stream()
        .anyMatch(
            r ->
                value >= r.getStart()
                    && value <= Math.max(r.getStart(), r.getEnd())
                    && (value - r.getStart()) % Math.max(1, r.getStep()) == 0);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "60 * * * * | Invalid cron schedule \"60 * * * *\": Failed to parse cron expression. Value"
            + " 60 not in range [0, 59]",
        "* * * * | Invalid cron schedule \"* * * *\": expected 5 fields (minute hour day-of-month"
            + " month day-of-week), found 4",
        "@every 5m | Invalid cron schedule \"@every 5m\": unknown macro @every 5m; use @yearly,"
            + " @annually, @monthly, @weekly, @daily, @midnight or @hourly",
        "0 0 L * * | Invalid cron schedule \"0 0 L * *\": Failed to parse cron expression. Invalid"
            + " chars in expression! Expression: L Invalid chars: L",
        "0 22-2 * * * | Invalid cron schedule \"0 22-2 * * *\": Failed to parse cron expression."
            + " Invalid range! [22,2]",
        "CRON_TZ=UTC 0 9 * * * | Invalid cron schedule \"CRON_TZ=UTC 0 9 * * *\": a TZ= or CRON_TZ="
            + " prefix is not supported: set spec.timeZone instead"
      })
  void anInvalidScheduleIsExplainedInTheParsersWords(String schedule, String message) {
    assertThat(CronTaskSchedules.validate(cronTask().schedule(schedule).spec())).contains(message);
    assertThatThrownBy(() -> schedule(cronTask().schedule(schedule)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInvalidTimeZoneIsExplained() {
    assertThat(CronTaskSchedules.validate(cronTask().timeZone("Mars/Olympus_Mons").spec()))
        .contains(
            "Invalid time zone \"Mars/Olympus_Mons\": Unknown time-zone ID: Mars/Olympus_Mons");
    assertThat(CronTaskSchedules.validate(cronTask().timeZone("+02:00").spec()))
        .contains("Invalid time zone \"+02:00\": not an IANA time zone name such as Europe/Berlin");
    assertThat(CronTaskSchedules.validate(cronTask().timeZone("bad zone!").spec())).isPresent();
    assertThat(CronTaskSchedules.validate(cronTask().schedule("x").timeZone("Nowhere/Land").spec()))
        .hasValueSatisfying(
            m -> assertThat(m).contains("cron schedule").contains("; Invalid time zone"));
    assertThat(CronTaskSchedules.validate(cronTask().timeZone("Europe/Berlin").spec())).isEmpty();
    assertThat(CronTaskSchedules.validate(cronTask().timeZone("UTC").spec())).isEmpty();
  }

  @Test
  void aScheduleIsInStepWithItselfAndWithTheServersSpelling() {
    Schedule desired = schedule(cronTask().schedule("0,30 9 * * MON-FRI"));
    assertThat(CronTaskSchedules.differences(desired, desired)).isEmpty();

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
    assertThat(CronTaskSchedules.differences(desired, described)).isEmpty();
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

  @Test
  void runNowWaitsForASecondOfItsOwn() {
    Instant now = Instant.parse("2025-12-10T09:00:15.300Z");
    assertThat(CronTaskSchedules.runNowDelay(info(List.of(), List.of()), now)).isZero();
    // The last fire was this second: wait into the next one.
    assertThat(
            CronTaskSchedules.runNowDelay(
                info(List.of(Instant.parse("2025-12-10T09:00:15.100Z")), List.of()), now))
        .isEqualTo(Duration.ofMillis(900));
    assertThat(
            CronTaskSchedules.runNowDelay(
                info(List.of(Instant.parse("2025-12-10T09:00:10Z")), List.of()), now))
        .isZero();
    // A fire is due in a moment: let it go first.
    assertThat(
            CronTaskSchedules.runNowDelay(
                info(List.of(), List.of(Instant.parse("2025-12-10T09:00:16Z"))), now))
        .isEqualTo(Duration.ofMillis(1900));
    assertThat(
            CronTaskSchedules.runNowDelay(
                info(List.of(), List.of(Instant.parse("2025-12-10T09:01:00Z"))), now))
        .isZero();
  }

  private static ScheduleInfo info(List<Instant> recent, List<Instant> next) {
    return new ScheduleInfo(
        recent.size(),
        0,
        0,
        List.of(),
        recent.stream()
            .map(
                t ->
                    new ScheduleActionResult(
                        t, t, new ScheduleActionExecutionStartWorkflow("w", "r")))
            .toList(),
        next,
        null,
        null);
  }

  private static List<String> diff(Schedule desired, Schedule actual) {
    return CronTaskSchedules.differences(desired, actual);
  }

  private static Schedule withSpec(Schedule schedule, UnaryOperator<ScheduleSpec.Builder> edit) {
    return Schedule.newBuilder(schedule)
        .setSpec(edit.apply(ScheduleSpec.newBuilder(schedule.getSpec())).build())
        .build();
  }
}
