package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTaskValidatorTest {

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
    assertThat(CronTaskValidator.validate(cronTask().schedule(schedule).spec())).contains(message);
    assertThatThrownBy(
            () -> CronTaskSchedules.toSchedule(cronTask().schedule(schedule).build(), "kubetask"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInvalidTimeZoneIsExplained() {
    assertThat(CronTaskValidator.validate(cronTask().timeZone("Mars/Olympus_Mons").spec()))
        .contains(
            "Invalid time zone \"Mars/Olympus_Mons\": Unknown time-zone ID: Mars/Olympus_Mons");
    assertThat(CronTaskValidator.validate(cronTask().timeZone("+02:00").spec()))
        .contains("Invalid time zone \"+02:00\": not an IANA time zone name such as Europe/Berlin");
    assertThat(CronTaskValidator.validate(cronTask().timeZone("bad zone!").spec())).isPresent();
    assertThat(CronTaskValidator.validate(cronTask().schedule("x").timeZone("Nowhere/Land").spec()))
        .hasValueSatisfying(
            m -> assertThat(m).contains("cron schedule").contains("; Invalid time zone"));
    assertThat(CronTaskValidator.validate(cronTask().timeZone("Europe/Berlin").spec())).isEmpty();
    assertThat(CronTaskValidator.validate(cronTask().timeZone("UTC").spec())).isEmpty();
  }

  @Test
  void aValidSpecHasNoProblem() {
    assertThat(CronTaskValidator.validate(cronTask().schedule("*/15 9-17 * * 1-5").spec()))
        .isEmpty();
    assertThat(CronTaskValidator.validate(cronTask().schedule("@hourly").spec())).isEmpty();
  }
}
