package io.kubetask.e2e.crontask;

import static io.kubetask.e2e.crontask.CronTaskWorld.HANG;
import static io.kubetask.e2e.crontask.CronTaskWorld.eventually;
import static io.kubetask.e2e.crontask.CronTaskWorld.scheduledAt;
import static io.kubetask.e2e.crontask.CronTaskWorld.yearly;
import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.support.TaskWorld.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Run-now and the three concurrency policies, each with an active Task present: Forbid skips the
 * fire, Allow runs both, Replace stops the active Task (kept, Failed with reason Replaced) and
 * starts the new one.
 */
class CronTaskPoliciesE2E {
  @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();

  /** Fires the CronTask and waits for the new Task of that fire to run. */
  private static Task fireAndAwaitRunning(String cronTask, int tasksBefore) {
    world.runNow(cronTask);
    eventually().until(() -> world.tasks(cronTask).size() > tasksBefore);
    Task task = world.tasks(cronTask).get(tasksBefore);
    eventually().until(() -> phase(world.task(task.getMetadata().getName())) == TaskPhase.RUNNING);
    return world.task(task.getMetadata().getName());
  }

  @Test
  void runNowCreatesOneTaskForTheFireAndRemovesTheAnnotation() {
    CronTask cronTask = world.create("now", yearly(ConcurrencyPolicy.FORBID, HANG));
    eventually().until(() -> world.schedule("now").isPresent());
    Instant before = Instant.now().minusSeconds(1);

    Task task = fireAndAwaitRunning("now", 0);

    String name = task.getMetadata().getName();
    Instant scheduled = scheduledAt(task);
    assertThat(name).isEqualTo("now-" + scheduled.getEpochSecond());
    assertThat(scheduled).isBetween(before, Instant.now());
    assertThat(task.getMetadata().getLabels())
        .containsEntry(KubeTaskLabels.CRONTASK, "now")
        .containsEntry("team", "e2e");
    assertThat(task.getMetadata().getAnnotations())
        .containsEntry("origin", "crontask-e2e")
        .containsKey(KubeTaskAnnotations.CRONTASK_RUN);
    OwnerReference owner = task.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getUid()).isEqualTo(cronTask.getMetadata().getUid());
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getBlockOwnerDeletion()).isTrue();

    eventually()
        .untilAsserted(
            () -> {
              CronTask now = world.cronTask("now");
              assertThat(now.getMetadata().getAnnotations())
                  .doesNotContainKey(KubeTaskAnnotations.RUN_NOW);
              CronTaskStatus status = now.getStatus();
              assertThat(status.active())
                  .extracting(ObjectReference::getName)
                  .containsExactly(name);
              assertThat(status.active().get(0).getUid()).isEqualTo(task.getMetadata().getUid());
              assertThat(status.lastScheduleTime()).isEqualTo(scheduled.toString());
              assertThat(world.events("now")).contains("ScheduleCreated", "RunNow", "TaskCreated");
            });
    assertThat(world.tasks("now")).hasSize(1);
  }

  @Test
  void forbidSkipsAFireWhileATaskIsActive() {
    world.create("forbid", yearly(ConcurrencyPolicy.FORBID, HANG));
    eventually().until(() -> world.schedule("forbid").isPresent());
    Task first = fireAndAwaitRunning("forbid", 0);

    world.runNow("forbid");

    eventually()
        .untilAsserted(
            () -> {
              CronTask cronTask = world.cronTask("forbid");
              assertThat(cronTask.getStatus().skippedFires()).isEqualTo(1);
              assertThat(world.events("forbid")).contains("Skipped");
              // That no Task comes of this fire later is bounded by events, not by a wait: the
              // operator is done with the run-now (its annotation is gone) and Temporal dropped
              // the fire instead of buffering it (the Schedule skipped one action and took one,
              // the first fire's).
              assertThat(
                      Optional.ofNullable(cronTask.getMetadata().getAnnotations()).orElse(Map.of()))
                  .doesNotContainKey(KubeTaskAnnotations.RUN_NOW);
              ScheduleInfo info = world.schedule("forbid").orElseThrow().getInfo();
              assertThat(info.getNumActionsSkippedOverlap()).isEqualTo(1);
              assertThat(info.getNumActions()).isEqualTo(1);
            });
    assertThat(world.tasks("forbid"))
        .extracting(t -> t.getMetadata().getName())
        .containsExactly(first.getMetadata().getName());
    assertThat(phase(world.task(first.getMetadata().getName()))).isEqualTo(TaskPhase.RUNNING);
  }

  @Test
  void allowRunsTasksSideBySide() {
    world.create("allow", yearly(ConcurrencyPolicy.ALLOW, HANG));
    eventually().until(() -> world.schedule("allow").isPresent());
    Task first = fireAndAwaitRunning("allow", 0);

    Task second = fireAndAwaitRunning("allow", 1);

    assertThat(second.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
    assertThat(phase(world.task(first.getMetadata().getName()))).isEqualTo(TaskPhase.RUNNING);
    eventually()
        .untilAsserted(
            () ->
                assertThat(world.cronTask("allow").getStatus().active())
                    .extracting(ObjectReference::getName)
                    .containsExactly(
                        first.getMetadata().getName(), second.getMetadata().getName()));
    assertThat(world.cronTask("allow").getStatus().skippedFires()).isZero();
  }

  @Test
  void replaceStopsTheActiveTaskAndStartsTheNewOne() {
    world.create("replace", yearly(ConcurrencyPolicy.REPLACE, HANG));
    eventually().until(() -> world.schedule("replace").isPresent());
    Task first = fireAndAwaitRunning("replace", 0);
    String firstName = first.getMetadata().getName();
    String firstJob = first.getStatus().jobName();

    Task second = fireAndAwaitRunning("replace", 1);

    eventually()
        .untilAsserted(
            () -> {
              Task replaced = world.task(firstName);
              assertThat(replaced).as("the replaced Task is kept").isNotNull();
              assertThat(phase(replaced)).isEqualTo(TaskPhase.FAILED);
              assertThat(condition(replaced, "Succeeded"))
                  .isNotNull()
                  .extracting(Condition::getReason)
                  .isEqualTo("Replaced");
              Job job =
                  world.client.batch().v1().jobs().inNamespace(world.ns()).withName(firstJob).get();
              assertThat(job == null || job.getMetadata().getDeletionTimestamp() != null)
                  .as("the replaced Task's Job is deleted")
                  .isTrue();
            });
    assertThat(phase(world.task(second.getMetadata().getName()))).isEqualTo(TaskPhase.RUNNING);
    assertThat(world.tasks("replace")).hasSize(2);
    eventually()
        .untilAsserted(
            () -> {
              assertThat(world.events("replace")).contains("Replaced");
              assertThat(world.cronTask("replace").getStatus().active())
                  .extracting(ObjectReference::getName)
                  .containsExactly(second.getMetadata().getName());
            });
  }

  @Test
  void aPolicyChangedWhileATaskRunsHoldsAtTheNextFire() {
    world.create("switch", yearly(ConcurrencyPolicy.ALLOW, HANG));
    eventually().until(() -> world.schedule("switch").isPresent());
    Task first = fireAndAwaitRunning("switch", 0);

    // The Schedule did not track the first run under Allow, so only the CronTask can tell that a
    // Task of it is active when the next fire comes.
    world.patchSpec("switch", "{\"concurrencyPolicy\":\"Forbid\"}");
    world.runNow("switch");

    eventually()
        .untilAsserted(
            () -> {
              CronTaskFireStatus last = world.cronTask("switch").getStatus().lastFire();
              assertThat(last).isNotNull();
              assertThat(last.outcome()).isEqualTo("Skipped");
              assertThat(last.reason()).isEqualTo("Forbid");
              assertThat(last.message()).contains(first.getMetadata().getName());
            });
    assertThat(world.events("switch")).contains("Skipped");
    assertThat(world.tasks("switch"))
        .extracting(t -> t.getMetadata().getName())
        .containsExactly(first.getMetadata().getName());
  }

  @Test
  void deletingTheActiveTaskOfAForbidCronTaskFreesItAtOnce() {
    world.create("freed", yearly(ConcurrencyPolicy.FORBID, HANG));
    eventually().until(() -> world.schedule("freed").isPresent());
    Task first = fireAndAwaitRunning("freed", 0);
    assertThat(world.runningRuns("freed")).hasSize(1);

    world.client.resource(first).delete();

    // Told from the Task's finalizer, the run ends well before its first recheck (a minute).
    await("the run of the deleted Task ends")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> world.runningRuns("freed").isEmpty());
    eventually().until(() -> world.tasks("freed").isEmpty());
    Task second = fireAndAwaitRunning("freed", 0);
    assertThat(second.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName());
    assertThat(world.cronTask("freed").getStatus().lastFire().outcome()).isEqualTo("Created");
  }
}
