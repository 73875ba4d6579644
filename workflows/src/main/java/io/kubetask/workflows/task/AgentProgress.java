package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.Times;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the agent's pod is doing while its Job runs, in the words of whoever knows: the Job
 * controller when it cannot create the pod (its FailedCreate Event: admission, quota, a missing
 * ServiceAccount), the scheduler when no node fits, the kubelet while it pulls the image or cannot
 * build the container. The Task's Succeeded condition carries it (status Unknown) until the Job
 * ends, so "Running" means the agent container runs. Pure: the operator records it from its caches
 * (and tells the workflow only what the workflow acts on), the worker reads it for the message of a
 * missed start deadline.
 *
 * @param reason {@code Running} once the agent container has started, else why not yet ({@code
 *     PodPending}, {@code PodCreationFailed}, {@code Unschedulable}, {@code ImagePullBackOff}, ...)
 * @param message the platform's own message
 * @param agentStartedAtEpochMillis when the agent container started, or null before it did
 */
public record AgentProgress(String reason, String message, Long agentStartedAtEpochMillis) {
  /** Waiting reasons of a container that is being set up normally. */
  private static final Set<String> SETTING_UP = Set.of("ContainerCreating", "PodInitializing");

  /** Condition reasons are CamelCase words; anything else is reported as PodPending. */
  private static final Pattern REASON = Pattern.compile("[A-Z][A-Za-z0-9]{0,127}");

  static final String JOB_FAILED_CREATE = "FailedCreate";
  static final String RUNNING_MESSAGE = "The agent is running.";

  /** Whether the agent container has started (it may have ended since). */
  public boolean started() {
    return agentStartedAtEpochMillis != null;
  }

  /**
   * Whether this is something a human should look at (recorded as a Warning Event): anything but
   * the normal way to a running agent.
   */
  public boolean troubled() {
    return !Conditions.RUNNING.equals(reason) && !Conditions.POD_PENDING.equals(reason);
  }

  /**
   * Whether a Task's conditions say this already: Succeeded Unknown with this reason and message.
   */
  public boolean isShownOn(List<Condition> conditions) {
    return ConditionLists.find(conditions, Conditions.SUCCEEDED)
        .map(
            c ->
                "Unknown".equals(c.getStatus())
                    && reason.equals(c.getReason())
                    && message.equals(c.getMessage()))
        .orElse(false);
  }

  /**
   * Whether a Task showing {@code conditions} must be told of this at once: anything it does not
   * show yet, except one step of a normal set-up after another (pod created, scheduled, container
   * being created). Those steps come within a second of each other and each would cost a status
   * write and an Event: the set-up is one PodPending.
   */
  public boolean isNewsFor(List<Condition> conditions) {
    if (isShownOn(conditions)) {
      return false;
    }
    boolean shownPending =
        ConditionLists.find(conditions, Conditions.SUCCEEDED)
            .map(
                c ->
                    "Unknown".equals(c.getStatus()) && Conditions.POD_PENDING.equals(c.getReason()))
            .orElse(false);
    return !(shownPending && Conditions.POD_PENDING.equals(reason));
  }

  /** A Job without a pod, and no word of why yet. */
  static AgentProgress awaitingPod(String jobName) {
    return new AgentProgress(
        Conditions.POD_PENDING, "Waiting for Job " + jobName + " to create the agent's pod.", null);
  }

  /**
   * @param job the Task's Job
   * @param pods its pods
   * @param jobEvents the Job's FailedCreate Events (only looked at while it has no pod)
   */
  public static AgentProgress of(Job job, List<Pod> pods, List<Event> jobEvents) {
    Optional<Pod> newest = JobOutcomes.newest(pods);
    if (newest.isEmpty()) {
      return jobEvents.stream()
          .filter(e -> JOB_FAILED_CREATE.equals(e.getReason()))
          .max(Comparator.comparing(AgentProgress::lastSeen))
          .map(e -> new AgentProgress(Conditions.POD_CREATION_FAILED, e.getMessage(), null))
          .orElseGet(() -> awaitingPod(job.getMetadata().getName()));
    }
    return ofPod(newest.get());
  }

  private static AgentProgress ofPod(Pod pod) {
    String name = pod.getMetadata().getName();
    Optional<ContainerState> agent =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? Optional.empty()
            : pod.getStatus().getContainerStatuses().stream()
                .filter(cs -> TaskJobs.CONTAINER.equals(cs.getName()))
                .map(ContainerStatus::getState)
                .filter(Objects::nonNull)
                .findFirst();
    Optional<String> startedAt =
        agent.map(
            s ->
                s.getRunning() != null
                    ? s.getRunning().getStartedAt()
                    : s.getTerminated() != null ? s.getTerminated().getStartedAt() : null);
    if (startedAt.isPresent()) {
      return new AgentProgress(Conditions.RUNNING, RUNNING_MESSAGE, epochMillis(startedAt.get()));
    }
    var waiting = agent.map(ContainerState::getWaiting).orElse(null);
    if (waiting != null
        && waiting.getReason() != null
        && !SETTING_UP.contains(waiting.getReason())) {
      return troubled(
          waiting.getReason(),
          waiting.getMessage() != null
              ? waiting.getMessage()
              : "The agent container of pod " + name + " waits: " + waiting.getReason() + ".");
    }
    Optional<PodCondition> unscheduled =
        pod.getStatus() == null || pod.getStatus().getConditions() == null
            ? Optional.empty()
            : pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .findFirst();
    if (unscheduled.isPresent() && unscheduled.get().getReason() != null) {
      return troubled(unscheduled.get().getReason(), unscheduled.get().getMessage());
    }
    if (pod.getStatus() != null && pod.getStatus().getReason() != null) {
      return troubled(pod.getStatus().getReason(), pod.getStatus().getMessage());
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    String detail =
        waiting != null && waiting.getReason() != null ? ": " + waiting.getReason() : "";
    return new AgentProgress(
        Conditions.POD_PENDING,
        "Pod " + name + " is " + (phase == null ? "Pending" : phase) + detail + ".",
        null);
  }

  private static AgentProgress troubled(String reason, String message) {
    if (!REASON.matcher(reason).matches()) {
      return new AgentProgress(Conditions.POD_PENDING, reason + ": " + message, null);
    }
    return new AgentProgress(reason, message == null ? reason : message, null);
  }

  private static String lastSeen(Event event) {
    if (event.getLastTimestamp() != null) {
      return event.getLastTimestamp();
    }
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return event.getEventTime().getTime();
    }
    return Objects.toString(event.getMetadata().getCreationTimestamp(), "");
  }

  private static Long epochMillis(String rfc3339) {
    Instant instant = Times.instant(rfc3339);
    return instant == null ? null : instant.toEpochMilli();
  }
}
