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
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.temporal.client.schedules.ScheduleDescription;
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

  /**
   * No fixed sleeps stand for "nothing fires": the slot the suspended CronTask must not fire is
   * bounded by a sibling that is not suspended firing for it, and the missing catch-up by the
   * resumed Schedule itself, whose next action is after the resume while it counts no action but
   * the run-now since it was suspended.
   */
  @Test
  void suspendPausesSchedulingLeavesRunningTasksAloneAndResumeDoesNotCatchUp() {
    // Start early in a minute, so that the CronTask is suspended before its first fire.
    Instant now = Instant.now();
    if (now.getEpochSecond() % 60 > 40) {
      awaitClockPast(
          now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES).plusSeconds(2));
    }
    world.create("paused", spec("* * * * *", ConcurrencyPolicy.ALLOW, HANG));
    world.create("ticking", spec("* * * * *", ConcurrencyPolicy.ALLOW, COMPLETE));
    eventually().until(() -> world.schedule("paused").isPresent());
    eventually().until(() -> world.schedule("ticking").isPresent());
    // Suspend as the seed documents it.
    suspend("paused", true);
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
    long actionsWhenSuspended = world.schedule("paused").orElseThrow().getInfo().getNumActions();
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

    // A whole minute passes while suspended: the sibling that is not suspended fires for its slot
    // (or a later one), which is when a fire of the suspended CronTask would have made a Task too.
    Instant missedSlot = suspendedAt.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    CronTaskWorld.eventually(
        () ->
            world.tasks("ticking").stream()
                .filter(t -> !scheduledAt(t).isBefore(missedSlot))
                .findFirst());
    assertThat(world.tasks("paused")).noneMatch(t -> scheduledAt(t).equals(missedSlot));
    world.client.resource(world.cronTask("ticking")).delete();

    String listed =
        world
            .kubectl()
            .run(
                "get", "tasks", "-l", "kubetask.io/crontask=paused", "-n", world.ns(), "-o", "name")
            .ok();
    assertThat(listed).contains("task.kubetask.io/" + running.getMetadata().getName());

    suspend("paused", false);
    Instant resumedAt = Instant.now();
    eventually()
        .untilAsserted(
            () -> {
              ScheduleDescription schedule = world.schedule("paused").orElseThrow();
              assertThat(schedule.getSchedule().getState().isPaused()).isFalse();
              // Temporal skips the time it spent paused when it applies the resume: its next
              // action is after the resume from then on, and no slot before it can still fire.
              assertThat(schedule.getInfo().getNextActionTimes()).isNotEmpty();
              assertThat(schedule.getInfo().getNextActionTimes().get(0)).isAfter(resumedAt);
              assertThat(world.condition("paused", "Suspended").orElseThrow().getStatus())
                  .isEqualTo("False");
              assertThat(world.cronTask("paused").getStatus().nextScheduleTime()).isNotNull();
              assertThat(world.events("paused")).contains("Suspended", "Resumed");
            });
    // No catch-up: nothing was fired for the slots passed while suspended.
    assertThat(world.schedule("paused").orElseThrow().getInfo().getNumActions())
        .as("actions of the Schedule since it was suspended: the run-now only")
        .isEqualTo(actionsWhenSuspended + 1);
    assertThat(world.tasks("paused"))
        .allMatch(
            t ->
                t.getMetadata().getName().equals(running.getMetadata().getName())
                    || !scheduledAt(t)
                        .isBefore(resumedAt.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60))
                    || before.stream()
                        .anyMatch(
                            b -> b.getMetadata().getName().equals(t.getMetadata().getName())));
    assertThat(world.tasks("paused")).noneMatch(t -> scheduledAt(t).equals(missedSlot));
    assertThat(phase(world.task(running.getMetadata().getName()))).isEqualTo(TaskPhase.RUNNING);
  }

  /** Sets spec.suspend as the seed documents it: {@code kubectl patch crontask ...}. */
  private static void suspend(String cronTask, boolean suspend) {
    world
        .kubectl()
        .run(
            "patch",
            "crontask",
            cronTask,
            "-n",
            world.ns(),
            "-p",
            "{\"spec\":{\"suspend\":" + suspend + "}}",
            "--type=merge")
        .ok();
  }

  /** Waits, reading the wall clock, until it is past {@code instant}. */
  private static void awaitClockPast(Instant instant) {
    await("the clock passes " + instant)
        .atMost(Duration.between(Instant.now(), instant).plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Instant.now().isAfter(instant));
  }
}
