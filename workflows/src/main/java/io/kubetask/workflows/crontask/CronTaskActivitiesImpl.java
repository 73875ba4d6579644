package io.kubetask.workflows.crontask;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.ApiErrors;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.k8s.MergePatch;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.StatusPatch;
import io.kubetask.workflows.k8s.Times;
import io.kubetask.workflows.support.ActivityMetrics;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CronTask run workflow's activities. The Task of a fire is found again by its deterministic
 * name, its owner uid and the run annotation, so retried attempts never create a second one.
 */
public class CronTaskActivitiesImpl implements CronTaskActivities {
  private static final Logger log = LoggerFactory.getLogger(CronTaskActivitiesImpl.class);

  static final String TASK_CREATED = "TaskCreated";
  static final String TASK_CREATION_FAILED = "TaskCreationFailed";
  static final String PRUNED = "TasksPruned";
  static final String SKIPPED = "Skipped";
  static final String MISSED = "Missed";

  private final KubernetesClient client;
  private final EventRecorder events;
  private final ActivityMetrics metrics;
  private final Clock clock;

  public CronTaskActivitiesImpl(KubernetesClient client, Clock clock) {
    this(client, clock, ActivityMetrics.NONE);
  }

  public CronTaskActivitiesImpl(KubernetesClient client, Clock clock, ActivityMetrics metrics) {
    this.client = client;
    this.events = new EventRecorder(client, clock, "kubetask-worker");
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public FireResult createTask(CronTaskFire fire) {
    CronTask cronTask = current(fire.cronTask());
    if (cronTask == null) {
      return FireResult.gone();
    }
    Task own = task(fire.cronTask().namespace(), fire.taskName());
    if (own != null) {
      return existing(cronTask, fire, own); // Decided by the attempt or run that created it.
    }
    Instant scheduledAt = Instant.ofEpochSecond(fire.scheduledAtEpochSeconds());
    List<Task> children = children(fire.cronTask());
    FireDecision decision = FireDecision.decide(cronTask, children, scheduledAt, clock.instant());
    if (CronTaskFireStatus.MISSED.equals(decision.outcome())) {
      metrics.cronTaskFireMissed();
      String message = "Missed the fire of " + scheduledAt + ": " + decision.message();
      events.warning(cronTask, MISSED, message);
      recordFire(cronTask, scheduledAt, decision.outcome(), decision.reason(), message, null);
      return FireResult.skipped();
    }
    if (!decision.create()) {
      metrics.cronTaskFireSkipped();
      String message = "Skipped the fire of " + scheduledAt + ": " + decision.message();
      events.normal(cronTask, SKIPPED, message);
      recordFire(cronTask, scheduledAt, decision.outcome(), decision.reason(), message, null);
      return FireResult.skipped();
    }
    for (Task replaced : decision.toStop()) {
      stop(cronTask, replaced);
    }
    Task desired =
        CronTaskTasks.desired(cronTask, fire, CronTaskTasks.previousResult(cronTask, children));
    // The new Task takes the slot of the running one it replaces (a queued one had none).
    decision.toStop().stream()
        .filter(t -> t.getStatus() != null && t.getStatus().jobName() != null)
        .map(t -> t.getMetadata().getName())
        .findFirst()
        .ifPresent(
            name -> desired.getMetadata().getAnnotations().put(KubeTaskAnnotations.REPLACES, name));
    try {
      Task created = client.resource(desired).create();
      metrics.cronTaskFireCreated();
      String message =
          "Created Task "
              + desired.getMetadata().getName()
              + " for the fire scheduled at "
              + scheduledAt
              + ".";
      events.normal(cronTask, TASK_CREATED, message);
      recordFire(
          cronTask,
          scheduledAt,
          CronTaskFireStatus.CREATED,
          decision.reason(),
          message,
          created.getMetadata().getName());
      return FireResult.created(created.getMetadata().getName(), created.getMetadata().getUid());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        Task raced = task(fire.cronTask().namespace(), fire.taskName());
        if (raced == null) {
          // Deleted between our create and get: the retry creates it again.
          throw new IllegalStateException("Task " + fire.taskName() + " vanished, retrying", e);
        }
        return existing(cronTask, fire, raced);
      }
      if (e.getCode() == 422 || e.getCode() == HttpURLConnection.HTTP_BAD_REQUEST) {
        String message =
            "The API server rejected Task "
                + desired.getMetadata().getName()
                + ": "
                + ApiErrors.message(e);
        events.warning(cronTask, TASK_CREATION_FAILED, message);
        recordFire(
            cronTask,
            scheduledAt,
            CronTaskFireStatus.REJECTED,
            TASK_CREATION_FAILED,
            message,
            null);
        return FireResult.rejected();
      }
      throw e;
    }
  }

  /**
   * The Task of the fire already exists: made by an earlier attempt, another run, or someone else.
   */
  private FireResult existing(CronTask cronTask, CronTaskFire fire, Task task) {
    String name = task.getMetadata().getName();
    String uid = task.getMetadata().getUid();
    if (!CronTaskTasks.ownedBy(task, fire.cronTask().uid())) {
      events.warning(
          cronTask,
          TASK_CREATION_FAILED,
          "Task " + name + " already exists and does not belong to this CronTask.");
      return FireResult.rejected();
    }
    // A Task told to stop is not this run's to wait for: the same workflow id can come back
    // when Replace cancels a run and the Schedule starts a fire of the same second.
    boolean ours =
        Objects.equals(CronTaskTasks.runWorkflowId(task), fire.runWorkflowId())
            && !Metadata.hasAnnotation(task, KubeTaskAnnotations.STOP);
    return ours ? FireResult.exists(name, uid) : FireResult.duplicate(name, uid);
  }

  /**
   * Counts the fire's outcome in the CronTask's {@code status.fires} and makes it {@code
   * status.lastFire} unless a newer fire is already there (fires of a CronTask may be handled side
   * by side). A patch conditional on the resourceVersion the fire read, read again and retried on
   * conflict, so no count is lost to a concurrent fire.
   */
  private void recordFire(
      CronTask cronTask,
      Instant scheduledAt,
      String outcome,
      String reason,
      String message,
      String taskName) {
    var fire =
        new CronTaskFireStatus(Times.format(scheduledAt), outcome, reason, message, taskName);
    var resource =
        client
            .resources(CronTask.class)
            .inNamespace(cronTask.getMetadata().getNamespace())
            .withName(cronTask.getMetadata().getName());
    // The CronTask as the fire read it; read again only when it changed meanwhile.
    CronTask current = cronTask;
    for (int attempt = 1; ; attempt++, current = resource.get()) {
      if (current == null) {
        return;
      }
      CronTaskStatus status = current.getStatus();
      CronTaskFireStatus last = status == null ? null : status.lastFire();
      Instant lastAt = last == null ? null : Times.instant(last.scheduledTime());
      Map<String, Long> fires = new TreeMap<>();
      if (status != null && status.fires() != null) {
        fires.putAll(status.fires());
      }
      fires.merge(reason, 1L, Long::sum);
      Map<String, Object> changes = new LinkedHashMap<>();
      changes.put("fires", fires);
      if (lastAt == null || !lastAt.isAfter(scheduledAt)) {
        changes.put("lastFire", fire);
      }
      try {
        if (StatusPatch.mergeIfUnchanged(client, current, changes)) {
          return;
        }
      } catch (KubernetesClientException e) {
        fireNotRecorded(cronTask, ApiErrors.message(e));
        return;
      }
      if (attempt >= 5) {
        fireNotRecorded(cronTask, "it changed " + attempt + " times meanwhile");
        return;
      }
      // Changed meanwhile (or gone): read again.
    }
  }

  /** The Event already tells; a fire is not retried for its status line. */
  private static void fireNotRecorded(CronTask cronTask, String why) {
    log.warn(
        "Could not record a fire of CronTask {}/{}: {}",
        cronTask.getMetadata().getNamespace(),
        cronTask.getMetadata().getName(),
        why);
  }

  /** The CronTask's Tasks, by label and controller owner. */
  private List<Task> children(CronTaskRef ref) {
    return client
        .resources(Task.class)
        .inNamespace(ref.namespace())
        .withLabel(KubeTaskLabels.CRONTASK, CronTaskTasks.labelValue(ref.name()))
        .list()
        .getItems()
        .stream()
        .filter(t -> CronTaskTasks.ownedBy(t, ref.uid()))
        .toList();
  }

  /** Asks a Task of the CronTask to stop because a newer fire replaces it. */
  private void stop(CronTask cronTask, Task task) {
    Map<String, Object> patch =
        Map.of(
            "metadata",
            Map.of("annotations", Map.of(KubeTaskAnnotations.STOP, Conditions.REPLACED)));
    MergePatch.object(client, task, Serialization.asJson(patch));
    events.normal(
        cronTask,
        Conditions.REPLACED,
        "Stopping Task "
            + task.getMetadata().getName()
            + ": a newer fire replaces it (concurrencyPolicy Replace).");
  }

  @Override
  public boolean taskFinished(CronTaskRef cronTask, String taskName, String taskUid) {
    Task task = task(cronTask.namespace(), taskName);
    if (task == null
        || !Objects.equals(task.getMetadata().getUid(), taskUid)
        || task.getMetadata().getDeletionTimestamp() != null) {
      return true;
    }
    return task.getStatus() != null
        && task.getStatus().phase() != null
        && task.getStatus().phase().isFinished();
  }

  @Override
  public void replaced(CronTaskFire fire) {
    CronTask cronTask = current(fire.cronTask());
    if (cronTask == null) {
      return; // Its Tasks go with it by garbage collection.
    }
    if (cronTask.getSpec().concurrencyPolicyOrDefault() != ConcurrencyPolicy.REPLACE) {
      // Cancelled by hand rather than by a newer fire: the Task is left alone.
      log.info("Run {} was cancelled; its CronTask does not replace Tasks", fire.runWorkflowId());
      return;
    }
    Task task = task(fire.cronTask().namespace(), fire.taskName());
    if (task == null
        || !Objects.equals(CronTaskTasks.runWorkflowId(task), fire.runWorkflowId())
        || (task.getStatus() != null
            && task.getStatus().phase() != null
            && task.getStatus().phase().isFinished())) {
      return;
    }
    if (Metadata.hasAnnotation(task, KubeTaskAnnotations.STOP)) {
      return;
    }
    stop(cronTask, task);
  }

  @Override
  public int pruneHistory(CronTaskRef ref) {
    CronTask cronTask = current(ref);
    if (cronTask == null) {
      return 0;
    }
    List<Task> children = children(ref);
    CronTaskSpec spec = cronTask.getSpec();
    List<Task> doomed =
        CronTaskHistory.toDelete(
            children, spec.successfulTasksHistoryLimit(), spec.failedTasksHistoryLimit());
    for (Task task : doomed) {
      log.info(
          "Deleting Task {}/{}: beyond its CronTask's history limit",
          ref.namespace(),
          task.getMetadata().getName());
      // A Task that is already gone is fine: delete() reports it and does not throw.
      client.resource(task).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }
    if (!doomed.isEmpty()) {
      events.normal(
          cronTask,
          PRUNED,
          "Deleted "
              + doomed.size()
              + " finished Task(s) beyond the history limits: "
              + String.join(", ", doomed.stream().map(t -> t.getMetadata().getName()).toList())
              + ".");
    }
    return doomed.size();
  }

  /** The CronTask that fired, or null when it is gone, being deleted, or another uid. */
  private CronTask current(CronTaskRef ref) {
    CronTask cronTask =
        client.resources(CronTask.class).inNamespace(ref.namespace()).withName(ref.name()).get();
    return cronTask != null
            && ref.uid().equals(cronTask.getMetadata().getUid())
            && cronTask.getMetadata().getDeletionTimestamp() == null
            && cronTask.getSpec() != null
        ? cronTask
        : null;
  }

  private Task task(String namespace, String name) {
    return client.resources(Task.class).inNamespace(namespace).withName(name).get();
  }
}
