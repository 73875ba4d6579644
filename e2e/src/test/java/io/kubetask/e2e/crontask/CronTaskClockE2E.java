package io.kubetask.e2e.crontask;

import static io.kubetask.e2e.crontask.CronTaskWorld.COMPLETE;
import static io.kubetask.e2e.crontask.CronTaskWorld.HANG;
import static io.kubetask.e2e.crontask.CronTaskWorld.eventually;
import static io.kubetask.e2e.crontask.CronTaskWorld.scheduledAt;
import static io.kubetask.e2e.crontask.CronTaskWorld.spec;
import static io.kubetask.e2e.support.TaskWorld.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.temporal.client.schedules.ScheduleState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two tests that wait for the wall clock: an every-minute CronTask fires on its own, and a
 * suspended one neither fires nor catches up when resumed (through the seed's kubectl commands).
 */
class CronTaskClockE2E {
  @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();

  @Test
  void everyMinuteFiresOnItsOwn() {
    world.create("minutely", spec("* * * * *", ConcurrencyPolicy.ALLOW, COMPLETE));

    Task task =
        await()
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> world.tasks("minutely"), tasks -> !tasks.isEmpty())
            .get(0);

    Instant scheduled = scheduledAt(task);
    assertThat(scheduled.getEpochSecond() % 60).as("fires on whole minutes").isZero();
    assertThat(task.getMetadata().getName()).isEqualTo("minutely-" + scheduled.getEpochSecond());
    Duration lateness =
        Duration.between(scheduled, Instant.parse(task.getMetadata().getCreationTimestamp()));
    System.out.println(
        "KubeTask E2E: fire lateness (scheduled time to Task created) "
            + lateness.toMillis()
            + " ms");
    assertThat(lateness).isLessThan(Duration.ofSeconds(30));
    eventually()
        .untilAsserted(
            () -> {
              var status = world.cronTask("minutely").getStatus();
              assertThat(status.lastScheduleTime()).isEqualTo(scheduled.toString());
              assertThat(Instant.parse(status.nextScheduleTime())).isAfter(scheduled);
              assertThat(Instant.parse(status.nextScheduleTime()).getEpochSecond() % 60).isZero();
            });
    eventually()
        .until(() -> phase(world.task(task.getMetadata().getName())) == TaskPhase.COMPLETED);
    eventually()
        .untilAsserted(
            () ->
                assertThat(world.cronTask("minutely").getStatus().lastSuccessfulTime())
                    .isNotNull());
  }

  @Test
  void suspendPausesSchedulingLeavesRunningTasksAloneAndResumeDoesNotCatchUp()
      throws InterruptedException {
    CronTaskSpec base = spec("* * * * *", ConcurrencyPolicy.ALLOW, HANG);
    // Start early in a minute, so that the CronTask is suspended before its first fire.
    long second = Instant.now().getEpochSecond() % 60;
    if (second > 40) {
      Thread.sleep((62 - second) * 1000);
    }
    world.create(
        "paused",
        new CronTaskSpec(
            base.schedule(),
            null,
            null,
            base.concurrencyPolicy(),
            false,
            base.successfulTasksHistoryLimit(),
            base.failedTasksHistoryLimit(),
            base.taskTemplate()));
    eventually().until(() -> world.schedule("paused").isPresent());
    // Suspend as the seed documents it.
    world
        .kubectl()
        .run(
            "patch",
            "crontask",
            "paused",
            "-n",
            world.ns(),
            "-p",
            "{\"spec\":{\"suspend\":true}}",
            "--type=merge")
        .ok();
    Instant suspendedAt = Instant.now();
    eventually()
        .untilAsserted(
            () -> {
              ScheduleState state = world.schedule("paused").orElseThrow().getSchedule().getState();
              assertThat(state.isPaused()).isTrue();
              assertThat(state.getNote()).startsWith("spec.suspend is true (generation ");
              assertThat(world.condition("paused", "Suspended").orElseThrow().getStatus())
                  .isEqualTo("True");
              assertThat(world.cronTask("paused").getStatus().nextScheduleTime()).isNull();
            });
    // A Task that runs while the CronTask is suspended (run-now still fires) is left alone.
    List<Task> before = world.tasks("paused");
    world.runNow("paused");
    Task running =
        CronTaskWorld.eventually(
            () ->
                world.tasks("paused").stream()
                    .filter(
                        t ->
                            before.stream()
                                .noneMatch(
                                    b ->
                                        b.getMetadata()
                                            .getName()
                                            .equals(t.getMetadata().getName())))
                    .filter(t -> scheduledAt(t).isAfter(suspendedAt.minusSeconds(1)))
                    .findFirst());
    eventually()
        .until(() -> phase(world.task(running.getMetadata().getName())) == TaskPhase.RUNNING);

    // Wait past a whole minute while suspended.
    Instant missedSlot = suspendedAt.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), missedSlot).toMillis()) + 3000);
    assertThat(world.tasks("paused")).noneMatch(t -> scheduledAt(t).equals(missedSlot));

    String listed =
        world
            .kubectl()
            .run(
                "get", "tasks", "-l", "kubetask.io/crontask=paused", "-n", world.ns(), "-o", "name")
            .ok();
    assertThat(listed).contains("task.kubetask.io/" + running.getMetadata().getName());

    world
        .kubectl()
        .run(
            "patch",
            "crontask",
            "paused",
            "-n",
            world.ns(),
            "-p",
            "{\"spec\":{\"suspend\":false}}",
            "--type=merge")
        .ok();
    Instant resumedAt = Instant.now();
    eventually()
        .untilAsserted(
            () -> {
              assertThat(world.schedule("paused").orElseThrow().getSchedule().getState().isPaused())
                  .isFalse();
              assertThat(world.condition("paused", "Suspended").orElseThrow().getStatus())
                  .isEqualTo("False");
              assertThat(world.cronTask("paused").getStatus().nextScheduleTime()).isNotNull();
              assertThat(world.events("paused")).contains("Suspended", "Resumed");
            });
    Thread.sleep(3000);
    // No catch-up: nothing was fired for the slots passed while suspended.
    assertThat(world.tasks("paused"))
        .allMatch(
            t ->
                t.getMetadata().getName().equals(running.getMetadata().getName())
                    || !scheduledAt(t)
                        .isBefore(resumedAt.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60))
                    || before.stream()
                        .anyMatch(
                            b -> b.getMetadata().getName().equals(t.getMetadata().getName())));
    assertThat(phase(world.task(running.getMetadata().getName()))).isEqualTo(TaskPhase.RUNNING);
  }
}
