package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskLifecycleConfig;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.workflows.approval.ApprovalGate;
import io.kubetask.workflows.approval.Approvers;
import io.kubetask.workflows.capacity.CapacityQueue;
import io.kubetask.workflows.capacity.Slots;
import io.kubetask.workflows.k8s.ApiErrors;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.k8s.MergePatch;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.StatusPatch;
import io.kubetask.workflows.k8s.Times;
import io.kubetask.workflows.result.AgentResults;
import io.kubetask.workflows.result.Json;
import io.kubetask.workflows.support.ActivityMetrics;
import io.temporal.activity.Activity;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Task workflow's activities: the only code that reads and writes the cluster for a Task. Every
 * method is safe to run twice: objects have deterministic names and are recognised by their owner
 * uid, and status writes are merge patches of the fields this worker owns.
 */
public class TaskActivitiesImpl implements TaskActivities {
  private static final Logger log = LoggerFactory.getLogger(TaskActivitiesImpl.class);

  private final KubernetesClient client;
  private final ActivitySettings settings;
  private final Clock clock;
  private final EventRecorder events;
  private final RunResolver resolver;
  private final ActivityMetrics metrics;
  private final FailedCreates failedCreates;
  private final Slots slots;
  private final Approvers approvers;

  /**
   * Reads that go beside an activity's own so that they add no round trip before the Job: the
   * Task's Agent and the namespace's KubeTaskConfig while the Task is read. When all its threads
   * are busy the activity's own thread reads, one after the other as without it.
   */
  private final ExecutorService sideReads =
      new ThreadPoolExecutor(
          0,
          SIDE_READ_THREADS,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          runnable -> {
            Thread thread = new Thread(runnable, "kubetask-side-read");
            thread.setDaemon(true);
            return thread;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());

  private static final int SIDE_READ_THREADS = 16;

  public TaskActivitiesImpl(KubernetesClient client, ActivitySettings settings, Clock clock) {
    this(client, settings, clock, ActivityMetrics.NONE, FailedCreates.listing(client));
  }

  /**
   * @param failedCreates where the Job controller's word on a Job without a pod is found
   */
  public TaskActivitiesImpl(
      KubernetesClient client,
      ActivitySettings settings,
      Clock clock,
      ActivityMetrics metrics,
      FailedCreates failedCreates) {
    this.failedCreates = failedCreates;
    this.metrics = metrics;
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.events = new EventRecorder(client, clock, "kubetask-worker");
    this.resolver = new RunResolver(client, settings);
    this.slots = new Slots(client, clock);
    this.approvers = new Approvers(client);
  }

  @Override
  public StartResult start(TaskRef ref, String agent) {
    // Read beside the Task: each would add a round trip before the Job after it. The config's
    // limits are needed only at admission.
    CompletableFuture<KubeTaskConfig> config =
        CompletableFuture.supplyAsync(() -> config(ref.namespace()), sideReads);
    CompletableFuture<Agent> agentRead =
        agent == null
            ? null
            : CompletableFuture.supplyAsync(
                () -> resolver.agent(ref.namespace(), agent), sideReads);
    Task task = current(ref);
    if (task == null || task.getMetadata().getDeletionTimestamp() != null) {
      return StartResult.gone();
    }
    String cronRun = Metadata.annotation(task, KubeTaskAnnotations.CRONTASK_RUN);
    if (isFinished(TaskStatusPatches.status(task))) {
      return StartResult.finished(cronRun);
    }
    TaskJob existing = new TaskJob(ref);
    String stop = Metadata.annotation(task, KubeTaskAnnotations.STOP);
    if (stop != null) {
      // Stopped before its agent started, or while its workflow was lost: nothing may run.
      if (existing.get() != null) {
        delete(existing.get());
      }
      return StartResult.invalid(StopRequests.outcome(stop), cronRun);
    }
    if (TaskStatusPatches.status(task).jobName() != null) {
      Optional<StartResult> adopted = adopt(task, existing, cronRun);
      if (adopted.isPresent()) {
        return adopted.get();
      }
    }
    String named = task.getSpec().agentName();
    RunResolver.Resolution resolution =
        resolver.resolve(
            task,
            ref,
            named.equals(agent) ? joined(agentRead) : resolver.agent(ref.namespace(), named));
    if (resolution.blocked()) {
      return unlessStarted(
          task,
          existing,
          cronRun,
          () -> {
            markPending(task, resolution.reason(), resolution.message());
            return StartResult.blocked(cronRun);
          });
    }
    if (resolution.run() == null) {
      return unlessStarted(
          task,
          existing,
          cronRun,
          () ->
              StartResult.invalid(
                  Outcome.failed(resolution.reason(), resolution.message()), cronRun));
    }
    AgentRun run = resolution.run();
    ApprovalGate.Decision gate = ApprovalGate.decide(task, resolution.approval(), clock.instant());
    switch (gate.state()) {
      case WAITING -> {
        return unlessStarted(
            task,
            existing,
            cronRun,
            () -> {
              TaskStatusPatches.pending(
                      task, workflowLink(), gate.reason(), gate.message(), clock.instant())
                  .ifPresent(
                      patch -> {
                        patchStatus(task, patch);
                        events.normal(task, gate.reason(), gate.message());
                      });
              return StartResult.queued(cronRun, gate.deadline());
            });
      }
      case REJECTED, TIMED_OUT -> {
        return unlessStarted(
            task,
            existing,
            cronRun,
            () -> StartResult.invalid(Outcome.failed(gate.reason(), gate.message()), cronRun));
      }
      default -> {}
    }
    Slots.Admission admission = slots.take(task, resolution.agentLimit(), joined(config));
    if (!admission.admitted()) {
      return unlessStarted(
          task,
          existing,
          cronRun,
          () -> {
            markQueued(task, admission.place());
            return StartResult.queued(cronRun, admission.place().retryAt());
          });
    }
    boolean jobCreated;
    try {
      ConfigMap configMap = TaskConfigMaps.desired(run);
      if (configMap != null) {
        createOwned(configMap, ref);
      }
      jobCreated = createOwned(TaskJobs.desired(run), ref);
      if (!jobCreated) {
        // Created by an earlier attempt that ended before it recorded so: taken over as it is.
        Optional<StartResult> adopted = adopt(task, existing, cronRun);
        if (adopted.isPresent()) {
          return adopted.get();
        }
      }
    } catch (NotOwnedException e) {
      return StartResult.invalid(Outcome.failed(Conditions.JOB_CONFLICT, e.getMessage()), cronRun);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422 || e.getCode() == HttpURLConnection.HTTP_BAD_REQUEST) {
        return StartResult.invalid(
            Outcome.failed(
                Conditions.JOB_CREATION_FAILED,
                "The API server rejected the agent's objects: " + ApiErrors.message(e)),
            cronRun);
      }
      throw e;
    }
    String approver =
        gate.state() == ApprovalGate.State.APPROVED
            ? approvers.approver(ref.namespace(), ref.name()).orElse("an unknown manager")
            : null;
    markRunning(task, run.objectName(), run.image(), approver);
    if (jobCreated) {
      queuedSince(task)
          .ifPresent(since -> metrics.taskLeftQueue(Duration.between(since, clock.instant())));
    }
    slots.tellPositions(admission, clock.instant());
    return jobCreated
        ? StartResult.created(run.objectName(), run.keepAliveSeconds(), cronRun)
        : StartResult.adopted(run.objectName(), run.keepAliveSeconds(), cronRun);
  }

  /**
   * Takes over the Job the Task already has, as it is: its Agent and contexts are not read again
   * (they may have changed or gone since the Task started), and what the workflow needs comes from
   * the Job. Only Jobs that carry their settings (see {@link TaskJobs}) are adopted this way; older
   * ones go the way of a new start, which finds them.
   */
  private Optional<StartResult> adopt(Task task, TaskJob existing, String cronRun) {
    Job job = existing.get();
    if (job == null) {
      return Optional.empty();
    }
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    if (RunLimits.fromAnnotations(annotations).isEmpty()) {
      return Optional.empty();
    }
    String name = job.getMetadata().getName();
    markRunning(task, name, TaskJobs.agentImage(job));
    String keepAlive = annotations.get(KubeTaskAnnotations.KEEP_ALIVE_SECONDS);
    return Optional.of(
        StartResult.adopted(name, keepAlive == null ? 0 : Integer.parseInt(keepAlive), cronRun));
  }

  @Override
  public JobObservation observeJob(TaskRef ref, String jobName, boolean keepAlive, boolean finish) {
    Job job = ownedJob(ref, jobName);
    if (job == null) {
      JobObservation gone = JobOutcomes.observe(null, List.of(), null, keepAlive, jobName);
      return finish ? gone.withTaskFinished(finish(ref, gone.outcome(), null)) : gone;
    }
    List<Pod> pods = pods(ref, job);
    recordAttempts(ref, job, pods);
    AgentProgress progress =
        AgentProgress.of(job, pods, pods.isEmpty() ? failedCreates.of(job) : List.of());
    JobObservation seen = JobOutcomes.observe(job, pods, progress, keepAlive, jobName);
    // What the pod does while the agent runs is the operator's to record (it sees the pod change);
    // the workflow records what the agent left behind: with the Task's end when it is asked to, so
    // that one status write (one watch event) carries both.
    if (finish && seen.state() == JobObservation.State.FINISHED) {
      return seen.withTaskFinished(finish(ref, seen.outcome(), reading(job, pods)));
    }
    if (seen.state() != JobObservation.State.RUNNING) {
      recordResult(ref, job, pods);
    }
    return seen;
  }

  /**
   * Records how many pods the Job has run once a disrupted pod was replaced, with a Warning Event
   * saying why the agent runs again.
   */
  private void recordAttempts(TaskRef ref, Job job, List<Pod> pods) {
    if (pods.size() < 2) {
      return; // The first attempt is recorded when the Job is created.
    }
    Task task = current(ref);
    Integer recorded = task == null ? null : TaskStatusPatches.status(task).attempts();
    if (task == null || (recorded != null && recorded >= pods.size())) {
      return;
    }
    patchStatus(task, Map.of("attempts", pods.size()));
    Integer limit = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
    pods.stream()
        .filter(p -> JobOutcomes.disruption(p).isPresent())
        .max(
            Comparator.comparing(p -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")))
        .ifPresent(
            disrupted -> {
              var d = JobOutcomes.disruption(disrupted).orElseThrow();
              events.warning(
                  task,
                  Conditions.RETRYING,
                  "The agent's pod "
                      + disrupted.getMetadata().getName()
                      + " was disrupted ("
                      + d.getReason()
                      + (d.getMessage() == null ? "" : ": " + d.getMessage())
                      + "); the agent runs again in a new pod (attempt "
                      + pods.size()
                      + (limit == null ? "" : " of " + (limit + 1))
                      + ").");
            });
  }

  /**
   * Records what the agent reported when it ended: its result and the GoalAchieved condition, on
   * the Task only (the agent's words never enter workflow history).
   */
  private void recordResult(TaskRef ref, Job job, List<Pod> pods) {
    Task task = current(ref);
    if (task == null) {
      return;
    }
    TaskStatusPatches.result(task, reading(job, pods), clock.instant())
        .ifPresent(patch -> patchStatus(task, patch));
  }

  /** What the agent reported when it ended, checked against the result schema of its Job. */
  private static AgentResults.Reading reading(Job job, List<Pod> pods) {
    String schema = Metadata.annotation(job, KubeTaskAnnotations.RESULT_SCHEMA);
    return AgentResults.read(JobOutcomes.terminationMessage(pods).orElse(null), Json.parse(schema));
  }

  /**
   * A start that would not create the Job decides only once it knows there is none: a Task whose
   * status names no Job has none, except after a start that created it and ended before it recorded
   * so. Such a Job is taken over as it is, never decided about again.
   */
  private StartResult unlessStarted(
      Task task, TaskJob existing, String cronRun, Supplier<StartResult> decision) {
    return adopt(task, existing, cronRun).orElseGet(decision);
  }

  /**
   * The Task's own Job, read at most once per start and only where it matters: a Task's first start
   * (nearly every start) goes straight to creating it, one API call fewer.
   */
  private final class TaskJob {
    private final TaskRef ref;
    private boolean read;
    private Job job;

    TaskJob(TaskRef ref) {
      this.ref = ref;
    }

    Job get() {
      if (!read) {
        job = ownedJob(ref, TaskNames.objectName(ref.name(), ref.uid()));
        read = true;
      }
      return job;
    }
  }

  /** The Task's Job of this name, or null when there is none or it belongs to someone else. */
  private Job ownedJob(TaskRef ref, String jobName) {
    Job job = client.batch().v1().jobs().inNamespace(ref.namespace()).withName(jobName).get();
    return job != null && TaskObjects.ownedBy(job, ref) ? job : null;
  }

  @Override
  public void windowOpened(TaskRef ref, long closesAtEpochMillis) {
    Task task = current(ref);
    if (task == null) {
      return;
    }
    patchStatus(task, TaskStatusPatches.windowOpened(task, closesAtEpochMillis, clock.instant()));
    events.normal(
        task,
        Conditions.WINDOW_OPEN,
        TaskStatusPatches.windowOpenMessage(task, closesAtEpochMillis));
  }

  @Override
  public void releasePod(TaskRef ref, String jobName) {
    Job job = ownedJob(ref, jobName);
    if (job != null) {
      for (Pod pod : pods(ref, job)) {
        MergePatch.object(
            client,
            pod,
            "{\"metadata\":{\"annotations\":{\"" + KubeTaskAnnotations.RELEASE + "\":\"true\"}}}");
      }
    }
    Task task = current(ref);
    if (task != null) {
      TaskStatusPatches.windowClosed(task, clock.instant())
          .ifPresent(patch -> patchStatus(task, patch));
    }
  }

  @Override
  public void deleteJob(TaskRef ref, String jobName) {
    Job job = ownedJob(ref, jobName);
    if (job != null) {
      delete(job);
    }
  }

  private void delete(Job job) {
    client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }

  @Override
  public Expiry finish(TaskRef ref, Outcome outcome) {
    return finish(ref, outcome, null);
  }

  /**
   * Marks the Task Completed or Failed, with what the agent reported unless {@code reading} is
   * null, in one status patch. The KubeTaskConfig (the TTL) is read beside the Task.
   */
  private Expiry finish(TaskRef ref, Outcome outcome, AgentResults.Reading reading) {
    CompletableFuture<KubeTaskConfig> config =
        CompletableFuture.supplyAsync(() -> config(ref.namespace()), sideReads);
    Task task = current(ref);
    if (task == null) {
      return Expiry.gone();
    }
    TaskStatus status = TaskStatusPatches.status(task);
    Instant now = clock.instant();
    Instant completion = TaskStatusPatches.completion(status, now);
    Expiry expiry = expiry(joined(config), completion);
    patchStatus(task, TaskStatusPatches.finished(task, reading, outcome, expiry, now));
    boolean changed = !isFinished(status);
    if (changed) {
      metrics.taskFinished(outcome.succeeded(), TaskStatusPatches.runTime(status, completion));
    }
    if (changed && outcome.succeeded()) {
      events.normal(task, outcome.reason(), outcome.message());
    } else if (changed) {
      events.warning(task, outcome.reason(), outcome.message());
    }
    return expiry;
  }

  @Override
  public Expiry refreshExpiry(TaskRef ref) {
    Task task = current(ref);
    if (task == null || task.getMetadata().getDeletionTimestamp() != null) {
      return Expiry.gone();
    }
    TaskStatus status = TaskStatusPatches.status(task);
    Instant completion =
        Objects.requireNonNullElse(Times.instant(status.completionTime()), clock.instant());
    Expiry expiry = expiry(config(ref.namespace()), completion);
    TaskStatusPatches.expiry(status, expiry).ifPresent(patch -> patchStatus(task, patch));
    return expiry;
  }

  @Override
  public void deleteTask(TaskRef ref) {
    Task task = current(ref);
    if (task != null) {
      log.info("Deleting Task {}/{}: its TTL expired", ref.namespace(), ref.name());
      client.resource(task).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }
  }

  /** The Task this workflow drives, or null when it is gone or replaced by another uid. */
  private Task current(TaskRef ref) {
    Task task =
        client.resources(Task.class).inNamespace(ref.namespace()).withName(ref.name()).get();
    return task != null && ref.uid().equals(task.getMetadata().getUid()) ? task : null;
  }

  /** The namespace's KubeTaskConfig, or null when it has none. */
  private KubeTaskConfig config(String namespace) {
    return client
        .resources(KubeTaskConfig.class)
        .inNamespace(namespace)
        .withName(KubeTaskConfig.DEFAULT_NAME)
        .get();
  }

  /** What a side read returned, or its failure as the activity's own. */
  private static <T> T joined(CompletableFuture<T> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** When a Task that finished at {@code completion} expires under the namespace's config. */
  private static Expiry expiry(KubeTaskConfig config, Instant completion) {
    long ttl =
        config == null || config.getSpec() == null
            ? TaskLifecycleConfig.DEFAULT_TTL_SECONDS
            : config.getSpec().ttlSecondsOrDefault();
    return ttl == 0 ? Expiry.never() : Expiry.at(completion.plusSeconds(ttl).toEpochMilli());
  }

  private void markPending(Task task, String reason, String message) {
    TaskStatusPatches.pending(task, workflowLink(), reason, message, clock.instant())
        .ifPresent(
            patch -> {
              patchStatus(task, patch);
              events.warning(task, reason, message);
            });
  }

  /** When a Queued Task started waiting: its Ready condition turned False then. */
  private static Optional<Instant> queuedSince(Task task) {
    TaskStatus status = TaskStatusPatches.status(task);
    if (status.phase() != TaskPhase.QUEUED) {
      return Optional.empty();
    }
    return ConditionLists.find(status.conditions(), Conditions.READY)
        .map(c -> Times.instant(c.getLastTransitionTime()));
  }

  /** Queued with where the Task stands; an Event when it starts waiting, not at each move. */
  private void markQueued(Task task, CapacityQueue.Place place) {
    Optional<String> before =
        TaskStatusPatches.status(task).phase() == TaskPhase.QUEUED
            ? ConditionLists.find(TaskStatusPatches.status(task).conditions(), Conditions.READY)
                .map(c -> c.getReason())
            : Optional.empty();
    TaskStatusPatches.queued(task, workflowLink(), place, clock.instant())
        .ifPresent(
            patch -> {
              patchStatus(task, patch);
              if (!before.equals(Optional.of(place.reason()))) {
                events.normal(task, place.reason(), place.message());
              }
            });
  }

  private void markRunning(Task task, String jobName, String image) {
    markRunning(task, jobName, image, null);
  }

  /** Running with its Job; with an Approved Event naming who approved, when someone did. */
  private void markRunning(Task task, String jobName, String image, String approver) {
    TaskStatusPatches.running(task, workflowLink(), jobName, image, approver, clock.instant())
        .ifPresent(
            patch -> {
              patchStatus(task, patch);
              if (approver != null) {
                events.normal(
                    task,
                    Conditions.APPROVED,
                    "Approved by " + approver + " (" + KubeTaskAnnotations.APPROVE + "=true).");
              }
              events.normal(
                  task,
                  Conditions.JOB_CREATED,
                  TaskStatusPatches.runningMessage(jobName, image, approver));
            });
  }

  private TaskStatusPatches.WorkflowLink workflowLink() {
    String workflowId = Activity.getExecutionContext().getInfo().getWorkflowId();
    return new TaskStatusPatches.WorkflowLink(workflowId, settings.workflowUrl(workflowId));
  }

  private void patchStatus(Task task, Map<String, Object> fields) {
    StatusPatch.merge(client, task, fields);
  }

  private List<Pod> pods(TaskRef ref, Job job) {
    return client
        .pods()
        .inNamespace(ref.namespace())
        .withLabel("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
        .list()
        .getItems();
  }

  /**
   * Creates an object, or accepts the one that a previous attempt of this Task created.
   *
   * @return whether this call created it
   */
  private boolean createOwned(HasMetadata object, TaskRef ref) {
    try {
      client.resource(object).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      HasMetadata existing = client.resource(object).get();
      if (existing != null && !TaskObjects.ownedBy(existing, ref)) {
        throw new NotOwnedException(
            object.getKind()
                + " "
                + object.getMetadata().getName()
                + " already exists and does not belong to this Task.");
      }
      return false;
    }
  }

  private static boolean isFinished(TaskStatus status) {
    return status.phase() != null && status.phase().isFinished();
  }

  private static final class NotOwnedException extends RuntimeException {
    NotOwnedException(String message) {
      super(message);
    }
  }
}
