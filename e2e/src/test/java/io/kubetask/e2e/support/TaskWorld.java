package io.kubetask.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.CapacityConfig;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskLifecycleConfig;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates Agents, Tasks and KubeTaskConfigs in one namespace and looks at what became of them: the
 * Task, its Job, ConfigMap, pods, Events and workflow. Shared by the Task, lifecycle, CronTask,
 * deploy and fault suites; it knows nothing about who runs KubeTask (in this JVM or in child
 * processes).
 */
public final class TaskWorld {
  private static final Pattern INSTANT =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

  private final KubernetesClient client;
  private final WorkflowClient temporal;
  private final String ns;
  private final Duration timeout;

  /** A world without Temporal: {@link #workflow} is not available. */
  public TaskWorld(KubernetesClient client, String namespace, Duration timeout) {
    this(client, null, namespace, timeout);
  }

  /**
   * @param temporal where the Tasks' workflows run
   * @param timeout how long each wait may take
   */
  public TaskWorld(
      KubernetesClient client, WorkflowClient temporal, String namespace, Duration timeout) {
    this.client = client;
    this.temporal = temporal;
    this.ns = namespace;
    this.timeout = timeout;
  }

  public String ns() {
    return ns;
  }

  public KubernetesClient client() {
    return client;
  }

  public void agent(String name, AgentSpecs spec) {
    client.resource(new Agent(ns, name, spec.build())).serverSideApply();
  }

  public static Context inline(String path, String content) {
    return Context.file(FileContext.inline(path, content));
  }

  public static Context configMapKey(String path, String configMap, String key) {
    return Context.file(FileContext.configMapKey(path, configMap, key));
  }

  /** Creates a Task with one inline context. */
  public Task create(String name, String agent) {
    return create(name, agent, inline("/workspace/task.md", "Task " + name + "."));
  }

  public Task create(String name, String agent, Context... contexts) {
    return client.resource(new Task(ns, name, new TaskSpec(List.of(contexts), agent))).create();
  }

  /** Creates a Task with one inline context and this priority. */
  public Task create(String name, String agent, int priority) {
    var contexts = List.of(inline("/workspace/task.md", "Task " + name + "."));
    return client
        .resource(new Task(ns, name, new TaskSpec(contexts, agent, null, null, priority)))
        .create();
  }

  /** The Task of this name as the API server has it now, or null. */
  public Task get(String name) {
    return client.resources(Task.class).inNamespace(ns).withName(name).get();
  }

  public Task get(Task task) {
    return get(task.getMetadata().getName());
  }

  public Task awaitPhase(Task task, TaskPhase phase) {
    return awaitPhase(task, phase, timeout);
  }

  public Task awaitPhase(Task task, TaskPhase phase, Duration within) {
    return await().atMost(within).until(() -> get(task), t -> t != null && phase(t) == phase);
  }

  /** Waits until the condition of {@code type} has this status and returns the Task. */
  public Task awaitCondition(Task task, String type, String status) {
    return await()
        .atMost(timeout)
        .until(
            () -> get(task),
            t ->
                t != null
                    && condition(t, type) != null
                    && status.equals(condition(t, type).getStatus()));
  }

  /**
   * Waits until the Task's Succeeded condition is Unknown with {@code reason}: what its agent's pod
   * does, as the operator records it.
   */
  public Task awaitProgress(Task task, String reason) {
    return await("Succeeded Unknown with reason " + reason)
        .atMost(timeout)
        .until(
            () -> get(task),
            t -> {
              Condition succeeded = t == null ? null : condition(t, "Succeeded");
              return succeeded != null
                  && "Unknown".equals(succeeded.getStatus())
                  && reason.equals(succeeded.getReason());
            });
  }

  /** Waits until the Task is gone from the API server (no finalizer left). */
  public void awaitGone(Task task, Duration within) {
    await().atMost(within).until(() -> get(task) == null);
  }

  /**
   * Creates a Task and waits until it is deleted; returns the last state the API server sent for
   * it, the one its deletion carried. A Task with a TTL of a second can be gone between two polls
   * of {@link #awaitPhase}; a watch opened before the create sees every state it went through.
   */
  public Task createAndAwaitDeletion(String name, String agent, Duration within) {
    AtomicReference<Task> deleted = new AtomicReference<>();
    Watcher<Task> watcher =
        seeing(
            (action, task) -> {
              if (action == Watcher.Action.DELETED) {
                deleted.set(task);
              }
            });
    try (Watch watch = client.resources(Task.class).inNamespace(ns).withName(name).watch(watcher)) {
      create(name, agent);
      return await("the deletion of Task " + ns + "/" + name)
          .atMost(within)
          .until(deleted::get, task -> task != null);
    }
  }

  /**
   * Deletes every CronTask and Task of these namespaces and waits until none is left, finalizers
   * included. Call it while the operator that owns them still runs: without it their finalizers
   * stay and the namespaces never finish terminating. Deletes again on every poll, so a Task that a
   * CronTask fired meanwhile goes too.
   */
  public static void deleteAllAndAwaitGone(
      KubernetesClient client, Duration within, String... namespaces) {
    await("no CronTask or Task left in " + List.of(namespaces))
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              boolean none = true;
              for (String namespace : namespaces) {
                var cronTasks = client.resources(CronTask.class).inNamespace(namespace);
                var tasks = client.resources(Task.class).inNamespace(namespace);
                cronTasks.delete();
                tasks.delete();
                none &= cronTasks.list().getItems().isEmpty() && tasks.list().getItems().isEmpty();
              }
              return none;
            });
  }

  /** Watches the Jobs of a namespace: every change, as the API server sends it. */
  public static Watch watchJobs(
      KubernetesClient client, String namespace, BiConsumer<Watcher.Action, Job> seen) {
    return client.batch().v1().jobs().inNamespace(namespace).watch(seeing(seen));
  }

  /** A watcher that hands every change to {@code seen}; a closed watch just ends. */
  private static <T> Watcher<T> seeing(BiConsumer<Watcher.Action, T> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        seen.accept(action, object);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** Whether the Job has finished: its Complete or Failed condition is True. */
  public static boolean jobFinished(Job job) {
    return job != null
        && job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  public static TaskPhase phase(Task task) {
    return task == null || task.getStatus() == null ? null : task.getStatus().phase();
  }

  public static Condition condition(Task task, String type) {
    return task == null || task.getStatus() == null
        ? null
        : condition(task.getStatus().conditions(), type);
  }

  /** The condition of {@code type} in a status's conditions (of a Task or a CronTask), or null. */
  public static Condition condition(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public Job job(Task task) {
    return client.batch().v1().jobs().inNamespace(ns).withName(task.getStatus().jobName()).get();
  }

  /** The Jobs that belong to the Task (by the task-uid label), whatever their name. */
  public List<Job> jobs(Task task) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(KubeTaskLabels.TASK_UID, task.getMetadata().getUid())
        .list()
        .getItems();
  }

  public ConfigMap contextConfigMap(Task task) {
    return client.configMaps().inNamespace(ns).withName(task.getStatus().jobName()).get();
  }

  public List<Pod> pods(Task task) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel(KubeTaskLabels.TASK_UID, task.getMetadata().getUid())
        .list()
        .getItems();
  }

  /** The reasons of the Events about this object (a Task, a CronTask, ...), oldest first. */
  public List<String> eventReasons(HasMetadata object) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> object.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .sorted(
            Comparator.comparing(
                Event::getLastTimestamp, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(Event::getReason)
        .toList();
  }

  public void configMap(String name, Map<String, String> data) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withData(data)
                .build())
        .serverSideApply();
  }

  /** Creates or replaces the namespace's KubeTaskConfig "default" with this TTL. */
  public void ttl(long seconds) {
    client
        .resource(
            new KubeTaskConfig(
                ns,
                KubeTaskConfig.DEFAULT_NAME,
                new KubeTaskConfigSpec(new TaskLifecycleConfig((int) seconds))))
        .serverSideApply();
  }

  /** Creates or replaces the namespace's KubeTaskConfig "default" with this many active Tasks. */
  public void maxActiveTasks(int limit) {
    capacity(new CapacityConfig(limit));
  }

  /** Creates or replaces the namespace's KubeTaskConfig "default" with this capacity. */
  public void capacity(CapacityConfig capacity) {
    client
        .resource(
            new KubeTaskConfig(
                ns, KubeTaskConfig.DEFAULT_NAME, new KubeTaskConfigSpec(null, capacity)))
        .serverSideApply();
  }

  public void deleteConfig() {
    client
        .resources(KubeTaskConfig.class)
        .inNamespace(ns)
        .withName(KubeTaskConfig.DEFAULT_NAME)
        .delete();
  }

  /** Sets an annotation on the Task (a merge patch, as {@code kubectl annotate} does). */
  public void annotate(Task task, String key, String value) {
    client
        .resources(Task.class)
        .inNamespace(ns)
        .withName(task.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}");
  }

  /** The id of the Task's workflow, as the operator names it: task/namespace/name/uid. */
  public static String workflowId(Task task) {
    return "task/"
        + task.getMetadata().getNamespace()
        + "/"
        + task.getMetadata().getName()
        + "/"
        + task.getMetadata().getUid();
  }

  /** The latest run of the Task's workflow, as Temporal describes it. */
  public WorkflowExecutionDescription workflow(Task task) {
    if (temporal == null) {
      throw new IllegalStateException("this TaskWorld was made without a Temporal client");
    }
    return temporal.newUntypedWorkflowStub(workflowId(task)).describe();
  }

  /** Waits until the latest run of the Task's workflow has this status. */
  public void awaitWorkflow(Task task, WorkflowExecutionStatus status) {
    await()
        .atMost(timeout)
        .untilAsserted(() -> assertThat(workflow(task).getStatus()).isEqualTo(status));
  }

  /** The closing time that a message of the HumanInTheLoop condition gives. */
  public static Instant closingTime(String message) {
    Matcher m = INSTANT.matcher(message);
    assertThat(m.find()).as("a closing time in: %s", message).isTrue();
    return Instant.parse(m.group());
  }

  public static Instant instant(String rfc3339) {
    return rfc3339 == null ? null : OffsetDateTime.parse(rfc3339).toInstant();
  }

  /** {@code status.expirationTime - status.completionTime}, or null without an expiration time. */
  public static Duration ttlOf(Task task) {
    Instant expiration = instant(task.getStatus().expirationTime());
    return expiration == null
        ? null
        : Duration.between(instant(task.getStatus().completionTime()), expiration);
  }
}
