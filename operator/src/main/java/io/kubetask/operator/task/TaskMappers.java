package io.kubetask.operator.task;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Which Tasks an event about another resource concerns. */
final class TaskMappers {

  private TaskMappers() {}

  /**
   * The Tasks of the resource's namespace that match the filter.
   *
   * @param tasksOfNamespace lists the Tasks of a namespace (the primary cache)
   */
  static Set<ResourceID> tasksOfSameNamespace(
      HasMetadata resource,
      Function<String, Stream<Task>> tasksOfNamespace,
      Predicate<Task> filter) {
    return tasksOfNamespace
        .apply(resource.getMetadata().getNamespace())
        .filter(filter)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * The Task whose agent runs in this pod: the one with the pod's Task uid, in the pod's namespace.
   *
   * @param withUid the cached Tasks of a uid
   */
  static Set<ResourceID> taskOfPod(Pod pod, Function<String, List<Task>> withUid) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String uid = labels == null ? null : labels.get(KubeTaskLabels.TASK_UID);
    if (uid == null) {
      return Set.of();
    }
    return inNamespaceOf(pod, withUid.apply(uid));
  }

  /**
   * The Task whose Job an Event is about: the one whose Job has that name in the Event's namespace.
   *
   * @param ofJob the cached Tasks whose Job has a name in a namespace
   */
  static Set<ResourceID> taskOfJobEvent(Event event, BiFunction<String, String, List<Task>> ofJob) {
    String job = event.getInvolvedObject() == null ? null : event.getInvolvedObject().getName();
    if (job == null) {
      return Set.of();
    }
    return inNamespaceOf(event, ofJob.apply(event.getMetadata().getNamespace(), job));
  }

  private static Set<ResourceID> inNamespaceOf(HasMetadata resource, List<Task> tasks) {
    String namespace = resource.getMetadata().getNamespace();
    return tasks.stream()
        .filter(t -> namespace.equals(t.getMetadata().getNamespace()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * A KubeTaskConfig matters only when it is the namespace's default one: to finished Tasks (their
   * TTL) and to queued ones (its capacity).
   */
  static Set<ResourceID> tasksForConfig(
      KubeTaskConfig config, Function<String, Stream<Task>> tasksOfNamespace) {
    if (!KubeTaskConfig.DEFAULT_NAME.equals(config.getMetadata().getName())) {
      return Set.of();
    }
    return tasksOfSameNamespace(
        config, tasksOfNamespace, t -> TaskActions.isFinished(t) || CapacityWakeUps.isQueued(t));
  }

  /** The KubeTaskConfig a Task reads its TTL from. */
  static Set<ResourceID> configOf(Task task) {
    return Set.of(new ResourceID(KubeTaskConfig.DEFAULT_NAME, task.getMetadata().getNamespace()));
  }

  /**
   * The operator only needs to know which ConfigMaps and keys exist, so the cache keeps the keys
   * and drops their values.
   */
  static ConfigMap keysOnly(ConfigMap configMap) {
    configMap.setData(emptyValues(configMap.getData()));
    configMap.setBinaryData(emptyValues(configMap.getBinaryData()));
    return configMap;
  }

  /**
   * A Job as the operator reads it: its metadata (owner, annotations), its status, and of its pod
   * template only each container's name and readiness probe (the probe marks a keep-alive pod). The
   * rest of the template (command, env, volumes) is the bulk of a Job, cached for every Task.
   */
  static Job lean(Job job) {
    var template = job.getSpec() == null ? null : job.getSpec().getTemplate();
    var pod = template == null ? null : template.getSpec();
    var containers =
        pod == null
            ? List.<Container>of()
            : pod.getContainers().stream()
                .map(
                    c ->
                        new ContainerBuilder()
                            .withName(c.getName())
                            .withReadinessProbe(c.getReadinessProbe())
                            .build())
                .toList();
    job.setSpec(
        new JobSpecBuilder()
            .withNewTemplate()
            .withNewSpec()
            .withContainers(containers)
            .endSpec()
            .endTemplate()
            .build());
    return job;
  }

  /** A pod as the operator reads it: metadata and status, which say what the agent does. */
  static Pod lean(Pod pod) {
    pod.setSpec(null);
    return pod;
  }

  private static Map<String, String> emptyValues(Map<String, String> data) {
    if (data == null) {
      return null;
    }
    Map<String, String> keys = new HashMap<>();
    data.keySet().forEach(k -> keys.put(k, ""));
    return keys;
  }

  /**
   * The Tasks of the Agent's namespace that name it and wait: blocked on it, or queued (its
   * maxConcurrentTasks may have changed).
   */
  static Set<ResourceID> waitingTasksOfAgent(
      Agent agent, Function<String, Stream<Task>> tasksOfNamespace) {
    String name = agent.getMetadata().getName();
    return tasksOfSameNamespace(
        agent,
        tasksOfNamespace,
        t ->
            (TaskActions.isBlocked(t) || CapacityWakeUps.isQueued(t))
                && name.equals(t.getSpec().agentName()));
  }
}
