package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.NOW;
import static io.kubetask.operator.task.TestTasks.condition;
import static io.kubetask.operator.task.TestTasks.config;
import static io.kubetask.operator.task.TestTasks.finished;
import static io.kubetask.operator.task.TestTasks.task;
import static io.kubetask.operator.task.TestTasks.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TaskMappersTest {
  private final Task blocked =
      withStatus(
          task("blocked"),
          TaskPhase.PENDING,
          condition(Conditions.READY, "False", Conditions.AGENT_NOT_FOUND));
  private final Task pending = withStatus(task("pending"), TaskPhase.PENDING);
  private final Task running = withStatus(task("running"), TaskPhase.RUNNING);
  private final Task queued = withStatus(task("queued"), TaskPhase.QUEUED);
  private final Task done = renamed(finished(TaskPhase.COMPLETED, NOW, null), "done");
  private final Task failed = renamed(finished(TaskPhase.FAILED, NOW, null), "failed");

  /** The primary cache: only the asked namespace has Tasks. */
  private final Function<String, Stream<Task>> cache =
      ns ->
          "team-a".equals(ns)
              ? Stream.of(blocked, pending, running, queued, done, failed)
              : Stream.empty();

  private static Task renamed(Task task, String name) {
    task.getMetadata().setName(name);
    return task;
  }

  private static Set<ResourceID> ids(String... names) {
    return Stream.of(names)
        .map(n -> new ResourceID(n, "team-a"))
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void anAgentWakesTheBlockedTasksOfItsNamespace() {
    var agent = new Agent("team-a", "claude", null);
    var elsewhere = new Agent("team-b", "claude", null);

    assertThat(TaskMappers.tasksOfSameNamespace(agent, cache, TaskActions::isBlocked))
        .isEqualTo(ids("blocked"));
    assertThat(TaskMappers.tasksOfSameNamespace(elsewhere, cache, TaskActions::isBlocked))
        .isEmpty();
  }

  @Test
  void theDefaultConfigConcernsTheFinishedAndQueuedTasksOfItsNamespace() {
    assertThat(TaskMappers.tasksForConfig(config(60), cache))
        .isEqualTo(ids("done", "failed", "queued"));
  }

  @Test
  void otherConfigsConcernNoTask() {
    var other = new KubeTaskConfig("team-a", "other", new KubeTaskConfigSpec(null));

    assertThat(TaskMappers.tasksForConfig(other, cache)).isEmpty();
  }

  @Test
  void aTaskReadsTheDefaultConfigOfItsNamespace() {
    assertThat(TaskMappers.configOf(task("t")))
        .containsExactly(new ResourceID("default", "team-a"));
  }

  @Test
  void cachedConfigMapsKeepTheirKeysButNotTheirContents() {
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("repo")
            .withNamespace("team-a")
            .endMetadata()
            .withData(Map.of("a", "b".repeat(1000)))
            .withBinaryData(Map.of("c", "ZA=="))
            .build();

    var cached = TaskMappers.keysOnly(configMap);

    assertThat(cached.getMetadata().getName()).isEqualTo("repo");
    assertThat(cached.getData()).isEqualTo(Map.of("a", ""));
    assertThat(cached.getBinaryData()).isEqualTo(Map.of("c", ""));
  }

  @Test
  void anAgentConcernsOnlyTheBlockedAndQueuedTasksThatNameIt() {
    var other =
        withStatus(
            new Task("team-a", "other", new io.kubetask.api.v1alpha1.TaskSpec(List.of(), "gemini")),
            TaskPhase.PENDING,
            condition(Conditions.READY, "False", Conditions.AGENT_NOT_FOUND));
    Function<String, Stream<Task>> tasks = ns -> Stream.of(blocked, other, running, queued);

    assertThat(TaskMappers.waitingTasksOfAgent(new Agent("team-a", "claude", null), tasks))
        .isEqualTo(ids("blocked", "queued"));
    assertThat(TaskMappers.waitingTasksOfAgent(new Agent("team-a", "codex", null), tasks))
        .isEmpty();
  }

  @Test
  void aConfigMapConcernsOnlyTasksWaitingForAContext() {
    var waiting =
        renamed(
            withStatus(
                task("waiting"),
                TaskPhase.PENDING,
                condition(Conditions.READY, "False", Conditions.CONTEXT_NOT_FOUND)),
            "waiting");
    Function<String, Stream<Task>> tasks = ns -> Stream.of(blocked, waiting, running);
    var configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("any")
            .withNamespace("team-a")
            .endMetadata()
            .build();

    assertThat(TaskMappers.tasksOfSameNamespace(configMap, tasks, TaskActions::waitsForContext))
        .isEqualTo(ids("waiting"));
  }
}
