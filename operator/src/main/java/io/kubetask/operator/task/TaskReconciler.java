package io.kubetask.operator.task;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.operator.task.TaskActions.Plan;
import io.kubetask.operator.task.TaskWorkflowGateway.Signal;
import io.kubetask.operator.temporal.FinalizerDeadline;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.task.AgentProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each Task's workflow running and tells it what the operator sees: Job changes, new Agents
 * or ConfigMaps, release and stop annotations, TTL config changes. Of the Task's status it writes
 * one thing, what the agent's pod does while the Job runs, which its pod cache sees first; the
 * workflow's activities own the rest (start, end, window, attempts, result).
 *
 * <p>A deleted Task's workflow is terminated before the Task goes: the operator's finalizer holds
 * it until then. The reconciler puts the finalizer on itself, after the first start of the workflow
 * rather than before it (as JOSDK's {@code Cleaner} would, one API round trip and one watch event
 * earlier): a new Task's agent starts that much sooner. A Task deleted before its finalizer came is
 * cleaned up when its deletion is seen.
 */
// Status and annotation changes do not bump metadata.generation, and both must trigger a reconcile.
// All events, deletions included, come to reconcile(): the reconciler handles its finalizer.
@ControllerConfiguration(
    name = TaskReconciler.NAME,
    generationAwareEventProcessing = false,
    triggerReconcilerOnAllEvents = true)
public class TaskReconciler implements Reconciler<Task> {
  public static final String NAME = "task";

  /** The reason of the Warning Event about an annotation whose value does nothing. */
  static final String IGNORED_ANNOTATION = "IgnoredAnnotation";

  /** The label the Job controller puts on its pods: the Job's uid. */
  private static final String JOB_UID_LABEL = "batch.kubernetes.io/controller-uid";

  private static final Logger log = LoggerFactory.getLogger(TaskReconciler.class);

  private final TaskWorkflowGateway gateway;
  private final Clock clock;
  private final Duration resync;

  /**
   * Workflows this operator started or signalled within the last half resync period. A Task is
   * reconciled on every change of its Job and status, and asking Temporal each time to start a
   * workflow that already runs costs a server round trip and a history lookup: a burst of Tasks
   * would spend Temporal's capacity on no-op starts. The periodic resync comes at least a full
   * period after the last reconciliation, so it always finds the entry expired and asks again: a
   * workflow lost with Temporal's state is still started again.
   */
  private final Cache<String, Boolean> confirmed;

  /**
   * What each workflow was last told by {@code jobChanged} ({@link TaskActions#jobChangeKey}), for
   * half a resync period: a Job and its pod change three or four times in their first second, and
   * each change would otherwise signal again before the workflow has looked once, each signal a
   * workflow task and more history.
   */
  private final Cache<String, String> toldJobChange;

  /** What each queued workflow was last told about a free slot ({@link CapacityWakeUps.Wake}). */
  private final Cache<String, String> toldSlotFree;

  /** Warnings already recorded (Task uid and text), so a reconciliation does not repeat them. */
  private final Cache<String, Boolean> warned =
      CacheBuilder.newBuilder().maximumSize(10_000).build();

  /**
   * What was last recorded of each Task's pod, and from which version of the Task: the pod's next
   * change reconciles the Task before the recorded status is back in the cache, and writing the
   * same news from the same stale Task would only be refused.
   */
  private final Cache<String, String> recordedProgress;

  /**
   * Tasks whose deletion was cleaned up while the finalizer held them, until their deletion is
   * seen: the others (deleted before the finalizer came, or released by hand) are cleaned up then.
   */
  private final Cache<String, Boolean> cleanedUp;

  private final Warnings events;
  private final Finalizers finalizers;
  private final ProgressRecorder progress;

  /** Where the reconciler's Warning Events go (an {@link EventRecorder} in the operator). */
  @FunctionalInterface
  public interface Warnings {
    void warning(Task task, String reason, String message);
  }

  /** Where what the agent's pod does is recorded ({@link TaskProgressRecorder} in the operator). */
  @FunctionalInterface
  public interface ProgressRecorder {
    /**
     * Records {@code progress} on the Task as it was read.
     *
     * @return false when nothing was written (the Task changed meanwhile or says it already)
     */
    boolean record(Task task, AgentProgress progress);
  }

  /** Where the operator's finalizer is put on a Task and taken off ({@link TaskFinalizer}). */
  public interface Finalizers {
    /** Puts the finalizer on the Task, unless it has it or is being deleted. */
    void add(Task task, Context<Task> context);

    /** Takes the finalizer off the Task, if it has it. */
    void remove(Task task, Context<Task> context);
  }

  private final FinalizerDeadline finalizerDeadline;
  private final boolean allNamespaces;

  /** The Agent and ConfigMap caches, once the event sources exist. */
  private TaskDependencies.Cache dependencies;

  private InformerEventSource<Agent, Task> agentCache;

  /**
   * @param gateway the Task workflows in Temporal
   * @param events where Warning Events go
   * @param progress where what the agent's pod does is recorded
   * @param finalizers where the finalizer is put on and taken off
   * @param finalizerDeadline how long a deleted Task waits for Temporal
   * @param resync the longest time between two reconciliations of a Task
   */
  public TaskReconciler(
      TaskWorkflowGateway gateway,
      Warnings events,
      ProgressRecorder progress,
      Finalizers finalizers,
      FinalizerDeadline finalizerDeadline,
      Duration resync) {
    this(gateway, events, progress, finalizers, finalizerDeadline, resync, false);
  }

  /**
   * @param allNamespaces whether one informer per kind watches every namespace (else one per
   *     watched namespace)
   */
  public TaskReconciler(
      TaskWorkflowGateway gateway,
      Warnings events,
      ProgressRecorder progress,
      Finalizers finalizers,
      FinalizerDeadline finalizerDeadline,
      Duration resync,
      boolean allNamespaces) {
    this.allNamespaces = allNamespaces;
    this.finalizers = finalizers;
    Clock clock = finalizerDeadline.clock();
    this.gateway = gateway;
    this.events = events;
    this.progress = progress;
    this.finalizerDeadline = finalizerDeadline;
    this.clock = clock;
    this.resync = resync;
    Ticker ticker =
        new Ticker() {
          @Override
          public long read() {
            return TimeUnit.MILLISECONDS.toNanos(clock.millis());
          }
        };
    this.confirmed =
        CacheBuilder.newBuilder().expireAfterWrite(resync.dividedBy(2)).ticker(ticker).build();
    this.toldJobChange =
        CacheBuilder.newBuilder().expireAfterWrite(resync.dividedBy(2)).ticker(ticker).build();
    this.toldSlotFree =
        CacheBuilder.newBuilder().expireAfterWrite(resync.dividedBy(2)).ticker(ticker).build();
    this.recordedProgress =
        CacheBuilder.newBuilder().expireAfterWrite(resync.dividedBy(2)).ticker(ticker).build();
    this.cleanedUp = CacheBuilder.newBuilder().expireAfterWrite(resync).ticker(ticker).build();
  }

  @Override
  public UpdateControl<Task> reconcile(Task task, Context<Task> context) {
    if (context.isPrimaryResourceDeleted() || context.isPrimaryResourceFinalStateUnknown()) {
      return deleted(task, context);
    }
    if (task.isMarkedForDeletion()) {
      return deleting(task, context);
    }
    try {
      return run(task, context);
    } finally {
      // After the start, so that it does not delay the agent; also when the reconciliation failed,
      // so that a Task created while Temporal cannot be reached waits for it when deleted.
      finalizers.add(task, context);
    }
  }

  /** The Task as it runs: its workflow started and told what changed. */
  private UpdateControl<Task> run(Task task, Context<Task> context) {
    Job job = jobOf(task, context);
    KubeTaskConfig config = context.getSecondaryResource(KubeTaskConfig.class).orElse(null);
    var seen =
        new TaskActions.Observed(
            job, job == null ? null : podOf(job, context), dependencies, config);
    Plan plan = TaskActions.plan(task, seen, clock.instant());
    TaskActions.ignoredRelease(task).ifPresent(warning -> warnOnce(task, warning));
    TaskActions.ignoredApproval(task).ifPresent(warning -> warnOnce(task, warning));

    var target = TaskWorkflowTarget.of(task);
    String workflowId = target.ref().workflowId();
    boolean asked = false;
    if (plan.ensureStarted() && confirmed.getIfPresent(workflowId) == null) {
      gateway.ensureStarted(target);
      asked = true;
    }
    for (var signal : plan.signals()) {
      String news = null;
      if (signal.kind() == Signal.Kind.JOB_CHANGED) {
        news = TaskActions.jobChangeKey(seen);
        if (news.equals(toldJobChange.getIfPresent(workflowId))) {
          continue; // Told already; the workflow has not looked yet.
        }
      }
      log.debug("Signalling {} to {}", signal, workflowId);
      gateway.signal(target, signal); // signal-with-start: also makes sure the workflow runs
      asked = true;
      if (news != null) {
        toldJobChange.put(workflowId, news);
      }
    }
    if (asked) {
      confirmed.put(workflowId, Boolean.TRUE);
    }
    // After the signals: news the workflow must act on is recorded only once it was told, else a
    // retried reconciliation would find the Task saying it and never tell the workflow.
    TaskActions.progressToRecord(task, seen).ifPresent(news -> record(task, workflowId, news));
    if (TaskActions.isFinished(task) || CapacityWakeUps.isQueued(task)) {
      wakeQueue(task, config, context);
    }
    return TaskActions.needsResync(task)
        ? UpdateControl.<Task>noUpdate().rescheduleAfter(resync)
        : UpdateControl.noUpdate();
  }

  /** Records what the agent's pod does, once for each version of the Task. */
  private void record(Task task, String workflowId, AgentProgress news) {
    String key =
        task.getMetadata().getResourceVersion() + " " + news.reason() + ": " + news.message();
    if (key.equals(recordedProgress.getIfPresent(workflowId))) {
      return;
    }
    if (progress.record(task, news)) {
      recordedProgress.put(workflowId, key);
    }
  }

  /** A Task being deleted: cleaned up, then released by the finalizer (if it holds it). */
  private UpdateControl<Task> deleting(Task task, Context<Task> context) {
    if (!task.hasFinalizer(TaskFinalizer.NAME)) {
      return UpdateControl.noUpdate(); // Released already; another finalizer holds it.
    }
    DeleteControl control = cleanup(task, context);
    if (!control.isRemoveFinalizer()) {
      return UpdateControl.<Task>noUpdate()
          .rescheduleAfter(control.getScheduleDelay().orElseThrow());
    }
    finalizers.remove(task, context);
    return UpdateControl.noUpdate();
  }

  /**
   * A Task gone from the API server. Unless the finalizer held it for its cleanup, it is cleaned up
   * now (deleted before its finalizer came, or released by hand), once: a failure is logged, and
   * the workflow ends by itself when it next finds its Task gone.
   */
  private UpdateControl<Task> deleted(Task task, Context<Task> context) {
    String workflowId = TaskWorkflowTarget.of(task).ref().workflowId();
    if (cleanedUp.getIfPresent(workflowId) == null) {
      forget(workflowId);
      try {
        endWorkflow(task);
      } catch (RuntimeException e) {
        log.warn(
            "Could not terminate workflow {} of a deleted Task ({}); it ends by itself when it next"
                + " finds its Task gone",
            workflowId,
            e.getMessage());
      }
      wakeQueue(task, context.getSecondaryResource(KubeTaskConfig.class).orElse(null), context);
    }
    cleanedUp.invalidate(workflowId);
    return UpdateControl.noUpdate();
  }

  /**
   * Cleans up after a deleted Task: its workflow terminated, unless the workflow deleted it at the
   * end of its TTL; the queued Tasks told that a slot is free.
   *
   * @return whether the finalizer may let the Task go, or when to try again
   */
  DeleteControl cleanup(Task task, Context<Task> context) {
    String workflowId = TaskWorkflowTarget.of(task).ref().workflowId();
    forget(workflowId);
    try {
      endWorkflow(task);
    } catch (RuntimeException e) {
      DeleteControl control =
          finalizerDeadline.afterFailure(
              task,
              e,
              "terminate workflow " + workflowId,
              "the workflow ends by itself when it next finds its Task gone.",
              (object, reason, message) -> events.warning((Task) object, reason, message));
      if (control.isRemoveFinalizer()) {
        cleanedUp.put(workflowId, Boolean.TRUE); // Given up: not tried again when it is gone.
      }
      return control;
    }
    cleanedUp.put(workflowId, Boolean.TRUE);
    wakeQueue(task, context.getSecondaryResource(KubeTaskConfig.class).orElse(null), context);
    return DeleteControl.defaultDelete();
  }

  /** What the reconciler remembers of a Task's workflow, forgotten once the Task is deleted. */
  private void forget(String workflowId) {
    confirmed.invalidate(workflowId);
    toldJobChange.invalidate(workflowId);
    recordedProgress.invalidate(workflowId);
  }

  /** Terminates the deleted Task's workflow, unless the workflow deleted it (its TTL). */
  private void endWorkflow(Task task) {
    var ref = TaskWorkflowTarget.of(task).ref();
    if (!TaskActions.endsWorkflowOnDelete(task, clock.instant())) {
      log.info("Task deleted at the end of its TTL by workflow {}", ref.workflowId());
      return;
    }
    log.info("Task deleted, terminating workflow {}", ref.workflowId());
    gateway.terminate(ref);
    tellCronTaskRun(task);
  }

  /**
   * Tells the queued Tasks of the namespace that a free slot now goes to: called when a Task
   * finishes or is deleted (a slot frees), and for a queued Task itself (its resync, a changed
   * limit). A failed signal is logged; the queued workflow's own re-check still comes.
   */
  private void wakeQueue(Task task, KubeTaskConfig config, Context<Task> context) {
    String ns = task.getMetadata().getNamespace();
    var limits =
        CapacityWakeUps.limits(agentCache == null ? Stream.empty() : agentCache.list(ns), config);
    if (limits.isEmpty()) {
      return;
    }
    List<Task> tasks = TaskIndex.inNamespace(context.getPrimaryCache(), ns);
    String configVersion = config == null ? null : config.getMetadata().getResourceVersion();
    for (var wake : CapacityWakeUps.toWake(tasks, limits.get(), configVersion)) {
      var target = TaskWorkflowTarget.of(wake.task());
      String workflowId = target.ref().workflowId();
      if (wake.news().equals(toldSlotFree.getIfPresent(workflowId))) {
        continue;
      }
      try {
        gateway.signal(target, Signal.DEPENDENCIES_CHANGED);
        toldSlotFree.put(workflowId, wake.news());
      } catch (RuntimeException e) {
        log.warn("Could not tell {} that a slot is free: {}", workflowId, e.getMessage());
      }
    }
  }

  /**
   * A deleted Task of a CronTask frees its CronTask at once: its run workflow would otherwise find
   * out only at its next recheck. A hint: a failure is logged, the run's own recheck still comes.
   */
  private void tellCronTaskRun(Task task) {
    String run = Metadata.annotation(task, KubeTaskAnnotations.CRONTASK_RUN);
    if (run == null) {
      return;
    }
    try {
      gateway.taskGone(run);
    } catch (RuntimeException e) {
      log.warn("Could not tell CronTask run {} that its Task is gone: {}", run, e.getMessage());
    }
  }

  @Override
  public List<EventSource<?, Task>> prepareEventSources(EventSourceContext<Task> context) {
    var tasks = TaskIndex.of(context.getPrimaryCache());
    Function<String, Stream<Task>> tasksOf = tasks::inNamespace;

    // Mapped to the owning Task by owner reference (the default).
    var jobsBuilder =
        InformerEventSourceConfiguration.from(Job.class, Task.class)
            .withName("jobs")
            .withLabelSelector(KubeTaskLabels.MANAGED_BY + "=" + KubeTaskLabels.MANAGED_BY_VALUE);
    var agents =
        InformerEventSourceConfiguration.from(Agent.class, Task.class)
            .withName("agents")
            .withSecondaryToPrimaryMapper(agent -> TaskMappers.waitingTasksOfAgent(agent, tasksOf))
            .build();
    var configMapsBuilder =
        InformerEventSourceConfiguration.from(ConfigMap.class, Task.class)
            .withName("configmaps")
            .withLabelSelector(KubeTaskLabels.MANAGED_BY + "!=" + KubeTaskLabels.MANAGED_BY_VALUE)
            .withSecondaryToPrimaryMapper(
                cm -> TaskMappers.tasksOfSameNamespace(cm, tasksOf, TaskActions::waitsForContext));
    var configs =
        InformerEventSourceConfiguration.from(KubeTaskConfig.class, Task.class)
            .withName("kubetaskconfigs")
            .withSecondaryToPrimaryMapper(config -> TaskMappers.tasksForConfig(config, tasksOf))
            .withPrimaryToSecondaryMapper((Task task) -> TaskMappers.configOf(task))
            .build();
    // The agent's pod (labelled with its Task's uid) and the Job controller's word when it cannot
    // create one: they change what the Task says about its pod. Only KubeTask's pods, and only
    // FailedCreate Events of Jobs, are cached.
    var podsBuilder =
        InformerEventSourceConfiguration.from(Pod.class, Task.class)
            .withName("pods")
            .withLabelSelector(KubeTaskLabels.MANAGED_BY + "=" + KubeTaskLabels.MANAGED_BY_VALUE)
            .withSecondaryToPrimaryMapper(pod -> TaskMappers.taskOfPod(pod, tasks::withUid));
    if (allNamespaces) {
      // Only the keys are kept, not every ConfigMap's data cluster-wide, and of Jobs and pods
      // what the operator reads. JOSDK gives one item store to the informers of all watched
      // namespaces, and each informer's first sync drops what the store holds of the others: with
      // a list of namespaces the default stores stay.
      configMapsBuilder.withItemStore(new TransformingItemStore<>(TaskMappers::keysOnly));
      jobsBuilder.withItemStore(new TransformingItemStore<Job>(TaskMappers::lean));
      podsBuilder.withItemStore(new TransformingItemStore<Pod>(TaskMappers::lean));
    }
    var configMaps = configMapsBuilder.build();
    var jobs = jobsBuilder.build();
    var pods = podsBuilder.build();
    var failedCreates =
        InformerEventSourceConfiguration.from(Event.class, Task.class)
            .withName("job-failed-create-events")
            .withFieldSelector(
                new FieldSelector(
                    new FieldSelector.Field("involvedObject.kind", "Job"),
                    new FieldSelector.Field("reason", "FailedCreate")))
            .withSecondaryToPrimaryMapper(event -> TaskMappers.taskOfJobEvent(event, tasks::ofJob))
            .build();
    agentCache = new InformerEventSource<>(agents, context);
    var configMapCache = new InformerEventSource<>(configMaps, context);
    dependencies =
        new TaskDependencies.Cache() {
          @Override
          public Optional<Agent> agent(String namespace, String name) {
            return agentCache.get(new ResourceID(name, namespace));
          }

          @Override
          public Optional<ConfigMap> configMap(String namespace, String name) {
            return configMapCache.get(new ResourceID(name, namespace));
          }
        };
    return List.of(
        new InformerEventSource<>(pods, context),
        new InformerEventSource<>(failedCreates, context),
        new InformerEventSource<>(jobs, context),
        agentCache,
        configMapCache,
        new InformerEventSource<>(configs, context));
  }

  /** What the caches hold about the Job's pod: its pods, and the Job's FailedCreate Events. */
  private static TaskActions.PodView podOf(Job job, Context<Task> context) {
    String uid = job.getMetadata().getUid();
    List<Pod> pods =
        context.getSecondaryResources(Pod.class).stream()
            .filter(p -> uid.equals(labels(p).get(JOB_UID_LABEL)))
            .toList();
    List<Event> events =
        context.getSecondaryResources(Event.class).stream()
            .filter(e -> uid.equals(e.getInvolvedObject().getUid()))
            .toList();
    return new TaskActions.PodView(pods, events);
  }

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }

  /** Records a Warning Event, once for each Task and text (not again at every reconciliation). */
  private void warnOnce(Task task, String warning) {
    String key = task.getMetadata().getUid() + "\n" + warning;
    if (warned.getIfPresent(key) == null) {
      warned.put(key, Boolean.TRUE);
      events.warning(task, IGNORED_ANNOTATION, warning);
    }
  }

  /** The Task's Job: the one named in its status, else any Job it owns. */
  private static Job jobOf(Task task, Context<Task> context) {
    String jobName = task.getStatus() == null ? null : task.getStatus().jobName();
    var owned = context.getSecondaryResources(Job.class);
    return owned.stream()
        .filter(j -> jobName == null || jobName.equals(j.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }
}
