package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.NOW;
import static io.kubetask.operator.task.TestTasks.condition;
import static io.kubetask.operator.task.TestTasks.config;
import static io.kubetask.operator.task.TestTasks.finished;
import static io.kubetask.operator.task.TestTasks.task;
import static io.kubetask.operator.task.TestTasks.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
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
  void aPodConcernsTheTaskOfItsTaskUidInItsNamespace() {
    Map<String, List<Task>> byUid = Map.of("uid-running", List.of(running));
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .addToLabels(KubeTaskLabels.TASK_UID, "uid-running")
            .endMetadata()
            .build();
    var elsewhere =
        new PodBuilder(pod).editMetadata().withNamespace("team-b").endMetadata().build();
    var unknown =
        new PodBuilder(pod)
            .editMetadata()
            .addToLabels(KubeTaskLabels.TASK_UID, "uid-gone")
            .endMetadata()
            .build();
    var unlabelled =
        new PodBuilder().withNewMetadata().withNamespace("team-a").endMetadata().build();
    Function<String, List<Task>> lookup = uid -> byUid.getOrDefault(uid, List.of());

    assertThat(TaskMappers.taskOfPod(pod, lookup)).isEqualTo(ids("running"));
    assertThat(TaskMappers.taskOfPod(elsewhere, lookup)).isEmpty();
    assertThat(TaskMappers.taskOfPod(unknown, lookup)).isEmpty();
    assertThat(TaskMappers.taskOfPod(unlabelled, lookup)).isEmpty();
  }

  @Test
  void aJobEventConcernsTheTaskOfThatJobInItsNamespace() {
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("Job")
            .withName("running-1a2b3c4d")
            .endInvolvedObject()
            .build();
    BiFunction<String, String, List<Task>> ofJob =
        (ns, job) ->
            "team-a".equals(ns) && "running-1a2b3c4d".equals(job) ? List.of(running) : List.of();

    assertThat(TaskMappers.taskOfJobEvent(event, ofJob)).isEqualTo(ids("running"));
    assertThat(
            TaskMappers.taskOfJobEvent(
                new EventBuilder(event)
                    .editInvolvedObject()
                    .withName("other")
                    .endInvolvedObject()
                    .build(),
                ofJob))
        .isEmpty();
    assertThat(
            TaskMappers.taskOfJobEvent(
                new EventBuilder(event).withInvolvedObject(null).build(), ofJob))
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
  void aCachedJobKeepsWhatTheOperatorReadsAndAPodItsStatus() {
    var keepAlive = TestTasks.keepAliveJob(1);
    keepAlive.getMetadata().setAnnotations(Map.of("kubetask.io/timeout-seconds", "60"));
    keepAlive
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setCommand(List.of("claude", "-p", "a long prompt"));
    keepAlive.getSpec().setBackoffLimit(1);
    var pod = TestTasks.agentPod();
    pod.setSpec(new PodSpecBuilder().addNewContainer().withName("agent").endContainer().build());

    var cachedJob = TaskMappers.lean(keepAlive);
    var cachedPod = TaskMappers.lean(pod);

    var agent = cachedJob.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(agent.getName()).isEqualTo("agent");
    assertThat(agent.getReadinessProbe()).isNotNull();
    assertThat(agent.getCommand()).isEmpty();
    assertThat(cachedJob.getSpec().getBackoffLimit()).isNull();
    assertThat(cachedJob.getMetadata().getAnnotations())
        .containsEntry("kubetask.io/timeout-seconds", "60");
    assertThat(cachedJob.getStatus().getReady()).isEqualTo(1);
    // What the operator decides from them is the same as from the whole objects.
    assertThat(TaskActions.jobChangeKey(new TaskActions.Observed(cachedJob, null, null, null)))
        .isEqualTo("window open");
    assertThat(cachedPod.getSpec()).isNull();
    assertThat(cachedPod.getStatus().getContainerStatuses()).hasSize(1);
    assertThat(cachedPod.getMetadata().getLabels())
        .containsKey("batch.kubernetes.io/controller-uid");
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
