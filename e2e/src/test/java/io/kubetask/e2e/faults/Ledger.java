package io.kubetask.e2e.faults;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.TaskWorld;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Everything that happened to the Tasks, Jobs and pods of some namespaces, from watches started
 * before the first Task: which Jobs and pods each Task ever had (by uid, so a Job deleted and made
 * again under its deterministic name counts twice), every phase each Task went through, the last
 * status it had, and when it was deleted.
 */
final class Ledger implements AutoCloseable {

  /** What the watch saw of one Task. */
  static final class TaskRecord {
    final String namespace;
    final String name;
    final String uid;
    final List<TaskPhase> phases = new ArrayList<>();
    final Set<String> openWindowMessages = new LinkedHashSet<>();
    volatile Task last;
    volatile Instant deletionTimestamp;
    volatile boolean deleted;

    TaskRecord(Task task) {
      this.namespace = task.getMetadata().getNamespace();
      this.name = task.getMetadata().getName();
      this.uid = task.getMetadata().getUid();
    }

    synchronized List<TaskPhase> phases() {
      return List.copyOf(phases);
    }

    /** Every message the HumanInTheLoop condition had while True (each gives the closing time). */
    synchronized Set<String> openWindowMessages() {
      return Set.copyOf(openWindowMessages);
    }

    /** The phase it finished in (its last phase before deletion). */
    TaskPhase finalPhase() {
      Task t = last;
      return t == null || t.getStatus() == null ? null : t.getStatus().phase();
    }

    @Override
    public String toString() {
      return namespace + "/" + name + " phases " + phases() + (deleted ? " deleted" : "");
    }
  }

  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Map<String, TaskRecord> tasks = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> jobs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> pods = new ConcurrentHashMap<>();

  /** Every Job's life in the order of the watch: its Task, and when it appeared and finished. */
  private final Map<String, JobSpan> jobSpans = new ConcurrentHashMap<>();

  private long jobEvents;

  private static final class JobSpan {
    final String taskUid;
    final long start;
    long end = Long.MAX_VALUE;

    JobSpan(String taskUid, long start) {
      this.taskUid = taskUid;
      this.start = start;
    }
  }

  /** Starts watching; returns once every watch has listed what exists. */
  Ledger(KubernetesClient client, List<String> namespaces) {
    for (String ns : namespaces) {
      informers.add(
          client
              .resources(Task.class)
              .inNamespace(ns)
              .inform(handler(this::task, this::taskDeleted)));
      informers.add(
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns)
              .withLabel(KubeTaskLabels.MANAGED_BY, KubeTaskLabels.MANAGED_BY_VALUE)
              .inform(handler((Job j) -> job(j, false), j -> job(j, true))));
      informers.add(
          client
              .pods()
              .inNamespace(ns)
              .withLabel(KubeTaskLabels.MANAGED_BY, KubeTaskLabels.MANAGED_BY_VALUE)
              .inform(handler((Pod p) -> owned(pods, p), p -> owned(pods, p))));
    }
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> seen, Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        seen.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        deleted.accept(obj);
      }
    };
  }

  private void task(Task task) {
    TaskRecord record =
        tasks.computeIfAbsent(task.getMetadata().getUid(), uid -> new TaskRecord(task));
    synchronized (record) {
      TaskPhase phase = task.getStatus() == null ? null : task.getStatus().phase();
      if (phase != null
          && (record.phases.isEmpty() || record.phases.get(record.phases.size() - 1) != phase)) {
        record.phases.add(phase);
      }
      record.last = task;
      if (task.getStatus() != null && task.getStatus().conditions() != null) {
        task.getStatus().conditions().stream()
            .filter(c -> "HumanInTheLoop".equals(c.getType()) && "True".equals(c.getStatus()))
            .forEach(c -> record.openWindowMessages.add(c.getMessage()));
      }
      String deletion = task.getMetadata().getDeletionTimestamp();
      if (deletion != null && record.deletionTimestamp == null) {
        record.deletionTimestamp = OffsetDateTime.parse(deletion).toInstant();
      }
    }
  }

  private void taskDeleted(Task task) {
    task(task);
    tasks.get(task.getMetadata().getUid()).deleted = true;
  }

  private synchronized void job(Job job, boolean deleted) {
    owned(jobs, job);
    String taskUid = job.getMetadata().getLabels().get(KubeTaskLabels.TASK_UID);
    long now = ++jobEvents;
    JobSpan span =
        jobSpans.computeIfAbsent(job.getMetadata().getUid(), uid -> new JobSpan(taskUid, now));
    if (deleted || TaskWorld.jobFinished(job)) {
      span.end = Math.min(span.end, now);
    }
  }

  /**
   * The most Jobs of these Tasks that ever existed unfinished at the same time, in the order the
   * watch delivered their changes.
   */
  synchronized int mostJobsAtOnce(Set<String> taskUids) {
    List<long[]> changes = new ArrayList<>();
    for (JobSpan span : jobSpans.values()) {
      if (taskUids.contains(span.taskUid)) {
        changes.add(new long[] {span.start, 1});
        if (span.end != Long.MAX_VALUE) {
          changes.add(new long[] {span.end, -1});
        }
      }
    }
    changes.sort(
        java.util.Comparator.comparingLong((long[] c) -> c[0]).thenComparingLong(c -> c[1]));
    int now = 0;
    int most = 0;
    for (long[] change : changes) {
      now += (int) change[1];
      most = Math.max(most, now);
    }
    return most;
  }

  private static void owned(Map<String, Set<String>> byTask, HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String taskUid = labels == null ? null : labels.get(KubeTaskLabels.TASK_UID);
    if (taskUid != null) {
      byTask
          .computeIfAbsent(taskUid, k -> ConcurrentHashMap.newKeySet())
          .add(object.getMetadata().getUid());
    }
  }

  TaskRecord task(String uid) {
    return tasks.get(uid);
  }

  /** The uids of every Job the Task ever had. */
  Set<String> jobsOf(String taskUid) {
    return new LinkedHashSet<>(jobs.getOrDefault(taskUid, Set.of()));
  }

  /** The uids of every pod the Task ever had. */
  Set<String> podsOf(String taskUid) {
    return new LinkedHashSet<>(pods.getOrDefault(taskUid, Set.of()));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
