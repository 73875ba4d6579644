package io.kubetask.operator.task;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskLifecycleConfig;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.operator.task.TaskWorkflowGateway.Signal;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.Times;
import io.kubetask.workflows.task.AgentProgress;
import io.kubetask.workflows.task.JobOutcomes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the operator tells a Task's workflow, decided from the Task and what the caches hold. */
final class TaskActions {

  /**
   * How long a Running Task may miss its Job in the cache before the workflow is told: the informer
   * may not have seen a just-created Job yet.
   */
  static final Duration JOB_MISSING_GRACE = Duration.ofSeconds(30);

  /**
   * The gateway calls for one reconciliation.
   *
   * @param ensureStarted start the workflow unless it runs (false when a signal starts it anyway)
   * @param signals the signals to send, each with signal-with-start
   */
  public record Plan(boolean ensureStarted, List<Signal> signals) {
    public static final Plan NOTHING = new Plan(false, List.of());
    public static final Plan START = new Plan(true, List.of());

    public static Plan signals(Signal... signals) {
      return new Plan(false, List.of(signals));
    }
  }

  private TaskActions() {}

  /**
   * What the operator's caches hold around a Task.
   *
   * @param job the Task's Job, or null
   * @param pod the pods of that Job and its FailedCreate Events, or null when unknown
   * @param dependencies the Agents and ConfigMaps: a blocked Task's workflow is told only once what
   *     it waits for is there; null tells it at every reconciliation
   * @param config the namespace's KubeTaskConfig named default, or null
   */
  record Observed(
      Job job, PodView pod, TaskDependencies.Cache dependencies, KubeTaskConfig config) {}

  /** {@link #plan(Task, Observed, Instant)} with only the Job and the config known. */
  public static Plan plan(Task task, Job job, KubeTaskConfig config, Instant now) {
    return plan(task, new Observed(job, null, null, config), now);
  }

  /**
   * Decides the gateway calls for a Task.
   *
   * @param task the Task (not being deleted)
   * @param seen what the caches hold around it
   * @param now the current time
   */
  static Plan plan(Task task, Observed seen, Instant now) {
    Job job = seen.job();
    KubeTaskConfig config = seen.config();
    TaskPhase phase = phase(task);
    List<Signal> signals = new ArrayList<>();
    boolean needsWorkflow = true;

    if (phase == TaskPhase.PENDING
        && isBlocked(task)
        && (seen.dependencies() == null || TaskDependencies.appeared(task, seen.dependencies()))) {
      signals.add(Signal.DEPENDENCIES_CHANGED);
    }
    if (awaitsApproval(task)
        && (isTrue(Metadata.annotation(task, KubeTaskAnnotations.APPROVE))
            || Metadata.annotation(task, KubeTaskAnnotations.REJECT) != null)) {
      signals.add(Signal.DEPENDENCIES_CHANGED); // Approved or rejected: the workflow looks again.
    }
    if (phase == TaskPhase.RUNNING
        && (jobChanged(task, job, now) || podNeedsWorkflow(task, job, seen.pod()))) {
      signals.add(Signal.JOB_CHANGED);
    }
    if (phase == TaskPhase.RUNNING
        && isTrue(Metadata.annotation(task, KubeTaskAnnotations.RELEASE))
        && hasCondition(task, Conditions.HUMAN_IN_THE_LOOP, "True")) {
      signals.add(Signal.RELEASE);
    }
    String stop = Metadata.annotation(task, KubeTaskAnnotations.STOP);
    if (stop != null && (phase == null || !phase.isFinished())) {
      signals.add(Signal.stop(stop.isEmpty() ? Conditions.STOPPED : stop));
    }
    if (phase != null && phase.isFinished()) {
      long ttl = ttlSeconds(config);
      Instant completion = Times.instant(task.getStatus().completionTime());
      if (completion != null) {
        Instant expected = ttl == 0 ? null : completion.plusSeconds(ttl);
        if (!sameSecond(expected, Times.instant(task.getStatus().expirationTime()))) {
          signals.add(Signal.CONFIG_CHANGED);
        }
      }
      needsWorkflow = ttl > 0;
    }
    return signals.isEmpty()
        ? (needsWorkflow ? Plan.START : Plan.NOTHING)
        : new Plan(false, signals);
  }

  /**
   * What a {@code jobChanged} signal is about, as the caches show it: the Job finished or missing,
   * the keep-alive window open, or how many pods the Job has and what the newest does. While the
   * Task's status does not show it yet, every further change of the Job or pod would ask again; the
   * workflow, told once, reads the Job and pod as they are when it looks, so the same news needs no
   * second signal.
   */
  static String jobChangeKey(Observed seen) {
    Job job = seen.job();
    if (job == null) {
      return "missing";
    }
    if (JobOutcomes.finished(job)) {
      return "finished";
    }
    if (windowOpened(job)) {
      return "window open";
    }
    PodView pod = seen.pod();
    if (pod == null) {
      return "";
    }
    AgentProgress progress = pod.progress(job);
    // Set-up steps are one piece of news (see AgentProgress#isNewsFor).
    return pod.pods().size()
        + " pods, "
        + (Conditions.POD_PENDING.equals(progress.reason())
            ? progress.reason()
            : progress.reason() + ": " + progress.message());
  }

  /** The pods of a Task's Job and the Job's FailedCreate Events, as the caches hold them. */
  public record PodView(List<Pod> pods, List<Event> jobEvents) {
    AgentProgress progress(Job job) {
      return AgentProgress.of(job, pods, jobEvents);
    }
  }

  /**
   * What the Task should say about its agent's pod and does not say yet: the operator, which sees
   * the pod change, records it on the Task without waking the workflow. Empty unless the Task is
   * Running with a Job that runs, and for one step of a normal set-up after another (see {@link
   * AgentProgress#isNewsFor}).
   */
  static Optional<AgentProgress> progressToRecord(Task task, Observed seen) {
    Job job = seen.job();
    PodView pod = seen.pod();
    if (phase(task) != TaskPhase.RUNNING
        || job == null
        || pod == null
        || JobOutcomes.finished(job)
        || windowOpened(job)) {
      return Optional.empty();
    }
    AgentProgress progress = pod.progress(job);
    return progress.isNewsFor(task.getStatus().conditions())
        ? Optional.of(progress)
        : Optional.empty();
  }

  /**
   * Whether what the agent's pod does asks the workflow to look, not only the Task to say it: news
   * of trouble (the workflow holds the start deadline and the message it fails with), a pod that
   * replaced a disrupted one (the workflow counts attempts, and each pod has its own deadlines),
   * and an agent that started under a run timeout (its deadline starts then). The normal way to a
   * running agent without a timeout needs nothing of the workflow: the operator records it. Only
   * for a Job that runs; a finished one is {@link #jobChanged}'s.
   */
  private static boolean podNeedsWorkflow(Task task, Job job, PodView pod) {
    if (job == null || pod == null || JobOutcomes.finished(job)) {
      return false;
    }
    Integer attempts = task.getStatus().attempts(); // the first is recorded with the Job
    if (pod.pods().size() > (attempts == null ? 1 : attempts)) {
      return true;
    }
    AgentProgress progress = pod.progress(job);
    if (!progress.isNewsFor(task.getStatus().conditions())) {
      return false;
    }
    return progress.troubled() || (progress.started() && hasRunTimeout(job));
  }

  private static boolean hasRunTimeout(Job job) {
    return Metadata.annotation(job, KubeTaskAnnotations.TIMEOUT_SECONDS) != null;
  }

  /**
   * A {@code kubetask.io/release} value other than {@code true}, which does nothing: the warning to
   * record, or empty.
   */
  public static Optional<String> ignoredRelease(Task task) {
    return ignored(task, KubeTaskAnnotations.RELEASE, "ends the keep-alive window");
  }

  /** A {@code kubetask.io/approve} value other than {@code true}: the warning, or empty. */
  public static Optional<String> ignoredApproval(Task task) {
    return ignored(task, KubeTaskAnnotations.APPROVE, "approves the Task");
  }

  private static Optional<String> ignored(Task task, String annotation, String whatTrueDoes) {
    String value = Metadata.annotation(task, annotation);
    if (value == null || isTrue(value)) {
      return Optional.empty();
    }
    return Optional.of(
        annotation + "=\"" + value + "\" is ignored: only \"true\" " + whatTrueDoes + ".");
  }

  /** A Pending Task that waits for a person's approval. */
  static boolean awaitsApproval(Task task) {
    return phase(task) == TaskPhase.PENDING
        && condition(task, Conditions.READY)
            .map(c -> Conditions.AWAITING_APPROVAL.equals(c.getReason()))
            .orElse(false);
  }

  private static boolean isTrue(String value) {
    return "true".equals(value);
  }

  /** Whether the operator should look at the Task again after the resync period. */
  public static boolean needsResync(Task task) {
    TaskPhase phase = phase(task);
    return phase == null || !phase.isFinished() || task.getStatus().expirationTime() != null;
  }

  /**
   * Whether the deletion of the Task should end its workflow: not when the Task was deleted at or
   * after its expirationTime, which is the workflow deleting it at the end of its TTL (it ends by
   * itself, and terminating it would record its completion as a termination).
   *
   * @param task the Task being deleted
   * @param now the current time, used when the Task has no deletionTimestamp
   */
  public static boolean endsWorkflowOnDelete(Task task, Instant now) {
    if (!isFinished(task)) {
      return true;
    }
    Instant expiration = Times.instant(task.getStatus().expirationTime());
    Instant deleted =
        Objects.requireNonNullElse(Times.instant(task.getMetadata().getDeletionTimestamp()), now);
    // deletionTimestamp has whole seconds.
    return expiration == null || expiration.truncatedTo(ChronoUnit.SECONDS).isAfter(deleted);
  }

  /** A Pending Task that waits for an Agent or a ConfigMap to appear. */
  public static boolean isBlocked(Task task) {
    if (phase(task) != TaskPhase.PENDING) {
      return false;
    }
    return condition(task, Conditions.READY)
        .filter(c -> "False".equals(c.getStatus()))
        .map(Condition::getReason)
        .filter(r -> Conditions.AGENT_NOT_FOUND.equals(r) || Conditions.CONTEXT_NOT_FOUND.equals(r))
        .isPresent();
  }

  /** A Pending Task that waits for a ConfigMap (or a key of one) to appear. */
  public static boolean waitsForContext(Task task) {
    return isBlocked(task)
        && condition(task, Conditions.READY)
            .map(c -> Conditions.CONTEXT_NOT_FOUND.equals(c.getReason()))
            .orElse(false);
  }

  public static boolean isFinished(Task task) {
    TaskPhase phase = phase(task);
    return phase != null && phase.isFinished();
  }

  private static boolean jobChanged(Task task, Job job, Instant now) {
    if (job == null) {
      // The Job was deleted behind KubeTask's back; the workflow confirms with the API server.
      Instant since = Objects.requireNonNullElse(startedAt(task), Instant.EPOCH);
      return task.getStatus().jobName() != null && since.plus(JOB_MISSING_GRACE).isBefore(now);
    }
    if (JobOutcomes.finished(job)) {
      return true;
    }
    return windowOpened(job) && condition(task, Conditions.HUMAN_IN_THE_LOOP).isEmpty();
  }

  /**
   * Only a keep-alive pod has a readiness probe, and it turns ready when the agent command has
   * ended: a ready pod then means the human-in-the-loop window is open. Any other pod is ready
   * while it runs, which says nothing.
   */
  private static boolean windowOpened(Job job) {
    Integer ready = job.getStatus() == null ? null : job.getStatus().getReady();
    if (ready == null || ready < 1) {
      return false;
    }
    var template = job.getSpec() == null ? null : job.getSpec().getTemplate();
    var pod = template == null ? null : template.getSpec();
    return pod != null && pod.getContainers().stream().anyMatch(c -> c.getReadinessProbe() != null);
  }

  private static Instant startedAt(Task task) {
    Instant start = Times.instant(task.getStatus().startTime());
    return start != null ? start : Times.instant(task.getMetadata().getCreationTimestamp());
  }

  private static long ttlSeconds(KubeTaskConfig config) {
    KubeTaskConfigSpec spec = config == null ? null : config.getSpec();
    return spec == null ? TaskLifecycleConfig.DEFAULT_TTL_SECONDS : spec.ttlSecondsOrDefault();
  }

  /** The worker may write times with or without fractions of a second. */
  private static boolean sameSecond(Instant a, Instant b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.truncatedTo(ChronoUnit.SECONDS).equals(b.truncatedTo(ChronoUnit.SECONDS));
  }

  private static TaskPhase phase(Task task) {
    return task.getStatus() == null ? null : task.getStatus().phase();
  }

  private static Optional<Condition> condition(Task task, String type) {
    TaskStatus status = task.getStatus();
    return status == null ? Optional.empty() : ConditionLists.find(status.conditions(), type);
  }

  private static boolean hasCondition(Task task, String type, String status) {
    return condition(task, type).filter(c -> status.equals(c.getStatus())).isPresent();
  }
}
