package io.kubetask.e2e.crontask;

import static io.kubetask.e2e.crontask.CronTaskWorld.HANG;
import static io.kubetask.e2e.crontask.CronTaskWorld.eventually;
import static io.kubetask.e2e.crontask.CronTaskWorld.spec;
import static io.kubetask.e2e.crontask.CronTaskWorld.yearly;
import static io.kubetask.e2e.support.TaskWorld.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.operator.crontask.ScheduleDrift;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Schedule follows the CronTask: its time zone shows in nextScheduleTime, invalid schedules and
 * time zones are reported without a Schedule, hand edits and deletions in Temporal are repaired,
 * and deleting the CronTask removes its Schedule and Tasks.
 */
class CronTaskScheduleE2E {
  @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();

  private static CronTaskSpec zoned(String schedule, String timeZone) {
    CronTaskSpec s = spec(schedule, ConcurrencyPolicy.FORBID, HANG);
    return new CronTaskSpec(
        s.schedule(),
        timeZone,
        s.startingDeadlineSeconds(),
        s.concurrencyPolicy(),
        s.suspend(),
        s.successfulTasksHistoryLimit(),
        s.failedTasksHistoryLimit(),
        s.taskTemplate());
  }

  @Test
  void aTimeZoneOtherThanUtcShowsInTheNextScheduleTime() {
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    world.create("kolkata", zoned("0 9 * * *", "Asia/Kolkata"));

    String next =
        CronTaskWorld.eventually(
            () ->
                java.util.Optional.ofNullable(world.cronTask("kolkata").getStatus())
                    .map(s -> s.nextScheduleTime()));

    ZonedDateTime local =
        ZonedDateTime.now(kolkata).withHour(9).withMinute(0).withSecond(0).withNano(0);
    if (!local.isAfter(ZonedDateTime.now(kolkata))) {
      local = local.plusDays(1);
    }
    assertThat(next).isEqualTo(local.toInstant().toString());
    assertThat(next).endsWith("T03:30:00Z");
    ScheduleDescription schedule = world.schedule("kolkata").orElseThrow();
    assertThat(schedule.getSchedule().getSpec().getTimeZoneName()).isEqualTo("Asia/Kolkata");
    assertThat(schedule.getSchedule().getPolicy().getCatchupWindow())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(schedule.getSchedule().getPolicy().getOverlap())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    assertThat(world.condition("kolkata", "Scheduled"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("ScheduleActive"));
  }

  @Test
  void anInvalidCronOrTimeZoneIsReportedAndHasNoSchedule() {
    world.create("invalid", zoned("61 * * * *", null));

    Condition scheduled =
        CronTaskWorld.eventually(
            () ->
                world.condition("invalid", "Scheduled").filter(c -> "False".equals(c.getStatus())));
    assertThat(scheduled.getReason()).isEqualTo("InvalidSchedule");
    assertThat(scheduled.getMessage())
        .isEqualTo(
            "Invalid cron schedule \"61 * * * *\": Failed to parse cron expression. Value 61 not in"
                + " range [0, 59]");
    assertThat(world.schedule("invalid")).isEmpty();
    eventually()
        .untilAsserted(() -> assertThat(world.events("invalid")).contains("InvalidSchedule"));

    world.patchSpec("invalid", "{\"schedule\":\"0 9 * * *\",\"timeZone\":\"Mars/Olympus_Mons\"}");
    eventually()
        .untilAsserted(
            () ->
                assertThat(world.condition("invalid", "Scheduled").orElseThrow().getMessage())
                    .isEqualTo(
                        "Invalid time zone \"Mars/Olympus_Mons\": Unknown time-zone ID:"
                            + " Mars/Olympus_Mons"));
    assertThat(world.schedule("invalid")).isEmpty();

    world.patchSpec("invalid", "{\"timeZone\":\"Europe/Berlin\"}");
    eventually()
        .untilAsserted(
            () -> {
              assertThat(world.condition("invalid", "Scheduled").orElseThrow().getStatus())
                  .isEqualTo("True");
              assertThat(world.schedule("invalid")).isPresent();
              assertThat(world.cronTask("invalid").getStatus().nextScheduleTime()).isNotNull();
            });

    world.patchSpec("invalid", "{\"schedule\":\"0 24 * * *\"}");
    eventually().until(() -> world.schedule("invalid").isEmpty());
  }

  @Test
  void aScheduleDeletedOrEditedByHandIsRestored() {
    world.create("drift", yearly(ConcurrencyPolicy.FORBID, HANG));
    Schedule original = CronTaskWorld.eventually(() -> world.schedule("drift")).getSchedule();
    var handle = world.scheduleClient().getHandle(world.scheduleId("drift"));

    handle.delete();
    eventually().until(() -> world.schedule("drift").isPresent());
    eventually()
        .untilAsserted(() -> assertThat(world.events("drift")).contains("ScheduleRestored"));

    handle.pause("paused by hand in the Temporal UI");
    eventually()
        .until(() -> !world.schedule("drift").orElseThrow().getSchedule().getState().isPaused());

    handle.update(
        input ->
            new ScheduleUpdate(
                Schedule.newBuilder(input.getDescription().getSchedule())
                    .setSpec(
                        ScheduleSpec.newBuilder(input.getDescription().getSchedule().getSpec())
                            .setCalendars(List.of())
                            .setCronExpressions(List.of("30 4 1 1 *"))
                            .setTimeZoneName("America/New_York")
                            .build())
                    .build()));
    eventually()
        .untilAsserted(
            () ->
                assertThat(
                        ScheduleDrift.differences(
                            original, world.schedule("drift").orElseThrow().getSchedule()))
                    .isEmpty());
  }

  @Test
  void deletingTheCronTaskRemovesItsScheduleAndTasks() {
    world.create("doomed", yearly(ConcurrencyPolicy.ALLOW, HANG));
    eventually().until(() -> world.schedule("doomed").isPresent());
    world.runNow("doomed");
    Task task = CronTaskWorld.eventually(() -> world.tasks("doomed").stream().findFirst());
    eventually().until(() -> phase(world.task(task.getMetadata().getName())) == TaskPhase.RUNNING);

    eventually().until(() -> !world.runningRuns("doomed").isEmpty());

    world.client.resource(world.cronTask("doomed")).delete();

    eventually()
        .untilAsserted(
            () -> {
              assertThat(world.schedule("doomed")).isEmpty();
              assertThat(world.cronTask("doomed")).isNull();
              assertThat(world.tasks("doomed")).isEmpty();
              assertThat(world.runningRuns("doomed")).as("runs of the deleted CronTask").isEmpty();
            });
  }
}
