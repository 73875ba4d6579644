package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CronTask decides each fire, not the Schedule: with the operator killed (SIGKILL) so that the
 * Schedule is never paused, a suspended CronTask creates no Task at its next calendar fire; with
 * the worker killed past a fire's startingDeadlineSeconds, the fire is Missed and says how late;
 * after Temporal's database is wiped (so no run workflow remembers the active Tasks), a Forbid
 * CronTask skips its next fire and a Replace CronTask stops its active Task and runs exactly one
 * new one. Operator and worker run as child processes of app/target/kubetask.jar's classes.
 */
@Tag("faults")
class CronTaskFireChecksE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Duration TIMEOUT = Duration.ofSeconds(150);

  private static Stack stack;
  private static TaskWorld world;
  private static ChildKubeTask kubeTask;

  @BeforeAll
  static void start() {
    stack = NS.stack();
    NS.awaitDefaultServiceAccount();
    world = new TaskWorld(stack.client(), NS.name(), TIMEOUT);
    kubeTask =
        ChildKubeTask.start(stack, Map.of("KUBETASK_RESYNC_SECONDS", "10"), TIMEOUT, NS.name());
    world.agent("quick", AgentSpecs.image("example.com/agent:1"));
    world.agent("hangs", AgentSpecs.image("example.com/agent:1").hangs());
  }

  @AfterAll
  static void stop() {
    if (kubeTask != null) {
      kubeTask.close();
    }
  }

  @Test
  void aSuspendedCronTaskCreatesNoTaskWhenItsScheduleWasNotPaused() {
    cronTask("minutely", "* * * * *", "Allow", "quick");
    await("the Schedule").atMost(TIMEOUT).until(() -> scheduleId("minutely") != null);

    kubeTask.operator.kill();
    try {
      patch("minutely", "{\"spec\":{\"suspend\":true}}");
      Instant suspended = Instant.now();
      awaitSkippedAfter(suspended);
    } finally {
      kubeTask.operator.start();
    }
  }

  private static void awaitSkippedAfter(Instant suspended) {
    // The next calendar fire comes within a minute; the worker reads the CronTask and skips it.
    CronTaskFireStatus last =
        await("a fire after the suspension")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> lastFire("minutely"),
                f -> f != null && Instant.parse(f.scheduledTime()).isAfter(suspended));
    assertThat(last.outcome()).isEqualTo("Skipped");
    assertThat(last.reason()).isEqualTo("Suspended");
    assertThat(tasks("minutely"))
        .allMatch(t -> scheduledAt(t).isBefore(suspended), "only Tasks of fires before it");
  }

  @Test
  void aFireTheWorkerHandlesPastItsStartingDeadlineIsMissedAndSaysHowLate() {
    cronTask("late", "* * * * *", "Allow", "quick", 10);
    await("the Schedule").atMost(TIMEOUT).until(() -> scheduleId("late") != null);

    kubeTask.worker.kill();
    Instant killed = Instant.now();
    try {
      // The Schedule starts the fire's run on time; nobody runs it until the deadline has passed.
      Instant fire =
          await("a fire while the worker is down")
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> lastScheduleTime("late"), t -> t != null && t.isAfter(killed));
      await("the fire's starting deadline to pass")
          .atMost(Duration.ofSeconds(30))
          .until(() -> Instant.now().isAfter(fire.plusSeconds(12)));
    } finally {
      kubeTask.worker.start();
    }

    CronTaskFireStatus missed =
        await("the late fire recorded")
            .atMost(TIMEOUT)
            .until(() -> lastFire("late"), f -> f != null && "Missed".equals(f.outcome()));
    assertThat(missed.reason()).isEqualTo("Late");
    assertThat(missed.message())
        .matches(".* could be handled only \\d+ s after its scheduled time, past .*\\(10 s\\)\\.");
    assertThat(missed.taskName()).isNull();
    Instant missedAt = Instant.parse(missed.scheduledTime());
    assertThat(tasks("late")).noneMatch(t -> scheduledAt(t).equals(missedAt));
    assertThat(get("late").getStatus().fires()).containsKey("Late");
  }

  @Test
  void afterTemporalIsWipedForbidSkipsAndReplaceReplacesFromTheCronTasks() {
    cronTask("forbid", "0 0 1 1 *", "Forbid", "hangs");
    cronTask("replace", "0 0 1 1 *", "Replace", "hangs");
    Task forbidden = fireAndAwaitRunning("forbid");
    Task replaced = fireAndAwaitRunning("replace");

    kubeTask.temporalServer.wipe();
    kubeTask.temporalServer.up();
    // The operator re-creates each missing Schedule from its CronTask before it triggers it.
    runNow("forbid");
    runNow("replace");

    await("the Forbid CronTask skips")
        .atMost(TIMEOUT)
        .until(
            () -> lastFire("forbid"),
            f -> f != null && "Skipped".equals(f.outcome()) && "Forbid".equals(f.reason()));
    assertThat(tasks("forbid"))
        .extracting(t -> t.getMetadata().getName())
        .containsExactly(forbidden.getMetadata().getName());
    assertThat(world.get(forbidden).getStatus().phase()).isEqualTo(TaskPhase.RUNNING);

    await("the Replace CronTask's old Task ends Replaced")
        .atMost(TIMEOUT)
        .until(
            () -> world.get(replaced),
            t -> {
              Condition succeeded = TaskWorld.condition(t, "Succeeded");
              return TaskWorld.phase(t) == TaskPhase.FAILED
                  && succeeded != null
                  && "Replaced".equals(succeeded.getReason());
            });
    await("exactly one new Task runs")
        .atMost(TIMEOUT)
        .until(
            () -> tasks("replace"),
            all ->
                all.size() == 2
                    && TaskWorld.phase(all.get(1)) == TaskPhase.RUNNING
                    && !all.get(1)
                        .getMetadata()
                        .getName()
                        .equals(replaced.getMetadata().getName()));
    assertThat(lastFire("replace").reason()).isEqualTo("Replaced");
  }

  private static void cronTask(String name, String schedule, String policy, String agent) {
    cronTask(name, schedule, policy, agent, 300);
  }

  private static void cronTask(
      String name, String schedule, String policy, String agent, long startingDeadlineSeconds) {
    stack
        .client()
        .resource(
            """
            apiVersion: kubetask.io/v1alpha1
            kind: CronTask
            metadata:
              name: %s
            spec:
              schedule: "%s"
              startingDeadlineSeconds: %d
              concurrencyPolicy: %s
              taskTemplate:
                spec:
                  agentRef: %s
                  contexts:
                    - type: File
                      file:
                        filePath: /workspace/task.md
                        source:
                          inline: Fire.
            """
                .formatted(name, schedule, startingDeadlineSeconds, policy, agent))
        .inNamespace(NS.name())
        .create();
  }

  private static Task fireAndAwaitRunning(String cronTask) {
    runNow(cronTask);
    Task task =
        await("a Task of " + cronTask)
            .atMost(TIMEOUT)
            .until(() -> tasks(cronTask), all -> !all.isEmpty())
            .get(0);
    return world.awaitPhase(task, TaskPhase.RUNNING);
  }

  private static void runNow(String cronTask) {
    patch(
        cronTask,
        "{\"metadata\":{\"annotations\":{\"" + KubeTaskAnnotations.RUN_NOW + "\":\"true\"}}}");
  }

  private static void patch(String cronTask, String mergePatch) {
    stack
        .client()
        .resources(CronTask.class)
        .inNamespace(NS.name())
        .withName(cronTask)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private static CronTask get(String cronTask) {
    return stack.client().resources(CronTask.class).inNamespace(NS.name()).withName(cronTask).get();
  }

  private static String scheduleId(String cronTask) {
    CronTask c = get(cronTask);
    return c == null || c.getStatus() == null ? null : c.getStatus().scheduleId();
  }

  private static Instant lastScheduleTime(String cronTask) {
    CronTask c = get(cronTask);
    return c == null || c.getStatus() == null || c.getStatus().lastScheduleTime() == null
        ? null
        : Instant.parse(c.getStatus().lastScheduleTime());
  }

  private static CronTaskFireStatus lastFire(String cronTask) {
    CronTask c = get(cronTask);
    return c == null || c.getStatus() == null ? null : c.getStatus().lastFire();
  }

  /** The CronTask's Tasks, oldest fire first. */
  private static List<Task> tasks(String cronTask) {
    return stack
        .client()
        .resources(Task.class)
        .inNamespace(NS.name())
        .withLabel(KubeTaskLabels.CRONTASK, cronTask)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(CronTaskFireChecksE2E::scheduledAt))
        .toList();
  }

  private static Instant scheduledAt(Task task) {
    return Instant.parse(task.getMetadata().getAnnotations().get(KubeTaskAnnotations.SCHEDULED_AT));
  }
}
