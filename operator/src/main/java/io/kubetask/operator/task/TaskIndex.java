package io.kubetask.operator.task;

import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.task.TaskNames;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds Tasks in the operator's cache by what other objects carry (a namespace, a Task uid, a Job
 * name) through indexes the cache keeps up to date. The cache's own listing by namespace copies and
 * filters every cached Task: done for each pod event, it made a burst of N Tasks cost the operator
 * N² comparisons.
 */
final class TaskIndex {
  static final String BY_UID = "kubetask.io/task-uid";
  static final String BY_JOB = "kubetask.io/job";

  private final IndexedResourceCache<Task> tasks;

  private TaskIndex(IndexedResourceCache<Task> tasks) {
    this.tasks = tasks;
  }

  /** Indexes the primary cache; called before its informer starts. */
  static TaskIndex of(IndexerResourceCache<Task> tasks) {
    tasks.addIndexers(
        Map.of(
            BY_UID,
            t -> List.of(t.getMetadata().getUid()),
            BY_JOB,
            t ->
                List.of(
                    jobKey(
                        t.getMetadata().getNamespace(),
                        TaskNames.objectName(
                            t.getMetadata().getName(), t.getMetadata().getUid())))));
    return new TaskIndex(tasks);
  }

  /** The Tasks of a namespace. */
  Stream<Task> inNamespace(String namespace) {
    return inNamespace(tasks, namespace).stream();
  }

  /** The Tasks of a namespace, from the index every informer's cache keeps. */
  static List<Task> inNamespace(IndexedResourceCache<Task> tasks, String namespace) {
    return tasks.byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  /** The Task with this uid (none, or one). */
  List<Task> withUid(String uid) {
    return tasks.byIndex(BY_UID, uid);
  }

  /**
   * The Task whose Job has this name (Job names follow from their Task's name and uid, so this
   * holds before the Task's status names its Job).
   */
  List<Task> ofJob(String namespace, String jobName) {
    return tasks.byIndex(BY_JOB, jobKey(namespace, jobName));
  }

  private static String jobKey(String namespace, String jobName) {
    return namespace + "/" + jobName;
  }
}
