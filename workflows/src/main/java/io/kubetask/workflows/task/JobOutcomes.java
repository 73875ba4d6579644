package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.workflows.k8s.Times;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads where an agent is from its Job and pods. */
public final class JobOutcomes {
  private JobOutcomes() {}

  /** Whether the Job has finished: condition Complete or Failed is True. */
  public static boolean finished(Job job) {
    return condition(job, "Complete").isPresent() || condition(job, "Failed").isPresent();
  }

  /**
   * Where the agent is. A Job that no longer exists is a failure; a Job with a ready pod under the
   * keep-alive wrapper means the agent command has ended and the window is open. While the agent
   * has not finished, the Job's limits (see {@link RunLimits}) give the next deadline: its start
   * limit until the agent container runs, then its run limit.
   *
   * @param progress what the pod is doing ({@link AgentProgress#of}), when the Job exists
   */
  public static JobObservation observe(
      Job job, List<Pod> pods, AgentProgress progress, boolean keepAlive, String jobName) {
    JobObservation seen = observe(job, pods, keepAlive, jobName);
    if (seen.state() != JobObservation.State.RUNNING) {
      return seen;
    }
    return RunLimits.fromAnnotations(job.getMetadata().getAnnotations())
        .map(limits -> deadline(job, pods, progress, limits))
        .map(JobObservation::running)
        .orElse(seen);
  }

  private static JobObservation.Deadline deadline(
      Job job, List<Pod> pods, AgentProgress progress, RunLimits limits) {
    if (!progress.started()) {
      long created = startingSince(job, pods);
      return new JobObservation.Deadline(
          created + limits.startTimeoutSeconds() * 1000,
          Outcome.failed(
              Conditions.START_TIMEOUT,
              "The agent did not start within "
                  + DurationText.of(limits.startTimeoutSeconds())
                  + " of Job "
                  + job.getMetadata().getName()
                  + "'s creation; its pod: "
                  + progress.reason()
                  + ": "
                  + progress.message()));
    }
    if (limits.timeoutSeconds() == null) {
      return null;
    }
    return new JobObservation.Deadline(
        progress.agentStartedAtEpochMillis() + limits.timeoutSeconds() * 1000,
        Outcome.failed(
            Conditions.DEADLINE_EXCEEDED,
            "The agent ran longer than its timeout of "
                + DurationText.of(limits.timeoutSeconds())
                + " and was stopped."));
  }

  /**
   * Since when the agent has been starting: the Job's creation, or, once a disrupted pod was
   * replaced, the newest pod's creation (seconds), so that a run again gets its own start time.
   */
  private static long startingSince(Job job, List<Pod> pods) {
    Instant since = Times.instant(job.getMetadata().getCreationTimestamp());
    for (Pod pod : pods) {
      Instant created = Times.instant(pod.getMetadata().getCreationTimestamp());
      if (created != null && created.isAfter(since)) {
        since = created;
      }
    }
    return since.toEpochMilli();
  }

  /** Where the agent is, without deadlines (Jobs created before Jobs carried their limits). */
  static JobObservation observe(Job job, List<Pod> pods, boolean keepAlive, String jobName) {
    if (job == null) {
      return JobObservation.finished(
          Outcome.failed(
              Conditions.JOB_NOT_FOUND,
              "The Job " + jobName + " no longer exists; the agent's outcome is unknown."));
    }
    if (condition(job, "Complete").isPresent()) {
      return JobObservation.finished(
          Outcome.succeeded(Conditions.COMPLETED, "The agent finished successfully."));
    }
    Optional<JobCondition> failed = condition(job, "Failed");
    if (failed.isPresent()) {
      return JobObservation.finished(failure(failed.get(), pods));
    }
    Integer ready = job.getStatus() == null ? null : job.getStatus().getReady();
    if (keepAlive && ready != null && ready > 0) {
      return readySince(pods).map(JobObservation::agentDone).orElseGet(JobObservation::agentDone);
    }
    return JobObservation.running();
  }

  /**
   * When a pod of the Job turned Ready: under the keep-alive wrapper, when the agent command ended
   * (within the probe's period), which is where the wrapper starts its countdown.
   */
  static Optional<Long> readySince(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null)
        .flatMap(p -> p.getStatus().getConditions().stream())
        .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime)
        .map(Times::instant)
        .filter(Objects::nonNull)
        .map(Instant::toEpochMilli)
        .min(Long::compare);
  }

  /**
   * The failure: the agent's exit code when it exited by itself, the disruption when its last pod
   * was taken away with no retry left, else what the Job controller says.
   */
  static Outcome failure(JobCondition failed, List<Pod> pods) {
    Optional<Pod> last = newest(pods);
    Optional<PodCondition> disruption = last.flatMap(JobOutcomes::disruption);
    if (disruption.isPresent()) {
      PodCondition d = disruption.get();
      String reason = d.getReason() == null ? TaskJobs.DISRUPTION_TARGET : d.getReason();
      return Outcome.failed(
          reasonOf(reason),
          "The agent's pod "
              + last.get().getMetadata().getName()
              + " was disrupted ("
              + reason
              + (d.getMessage() == null ? "" : ": " + d.getMessage())
              + ") and no infrastructure retry was left after "
              + pods.size()
              + (pods.size() == 1 ? " attempt." : " attempts."));
    }
    Optional<ContainerStateTerminated> terminated = last.flatMap(JobOutcomes::agentTermination);
    if (terminated.isPresent()) {
      ContainerStateTerminated t = terminated.get();
      String reason = t.getReason() == null || t.getReason().isBlank() ? "Error" : t.getReason();
      // The container's free-form termination message is left out on purpose: it is the agent's
      // output and could hold anything, while outcomes are kept in workflow history.
      String message = "The agent exited with code " + t.getExitCode() + " (" + reason + ").";
      return Outcome.failed(reasonOf(reason), message);
    }
    String reason = failed.getReason() == null ? Conditions.FAILED : failed.getReason();
    String message = failed.getMessage() == null ? "The Job failed." : failed.getMessage();
    return Outcome.failed(reasonOf(reason), "The Job failed (" + reason + "): " + message);
  }

  /** Condition reasons are PascalCase; Kubernetes' generic "Error" becomes "Failed". */
  private static String reasonOf(String kubernetesReason) {
    return "Error".equals(kubernetesReason) ? Conditions.FAILED : kubernetesReason;
  }

  /**
   * What the agent container of the newest pod left as its termination message: the agent's result
   * file, when it ended.
   */
  static Optional<String> terminationMessage(List<Pod> pods) {
    return newest(pods)
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(
            p ->
                p.getStatus().getContainerStatuses().stream()
                    .filter(cs -> TaskJobs.CONTAINER.equals(cs.getName()))
                    .map(ContainerStatus::getState)
                    .filter(s -> s != null && s.getTerminated() != null)
                    .map(s -> s.getTerminated().getMessage())
                    .filter(Objects::nonNull)
                    .findFirst());
  }

  /** The pod the Job made last (a pod still running wins a tie of creation seconds). */
  static Optional<Pod> newest(List<Pod> pods) {
    return pods.stream()
        .max(
            Comparator.comparing(
                    (Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(p -> !terminal(p)));
  }

  private static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  /** The pod's DisruptionTarget condition, when the infrastructure took it away. */
  static Optional<PodCondition> disruption(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null
        ? Optional.empty()
        : pod.getStatus().getConditions().stream()
            .filter(
                c -> TaskJobs.DISRUPTION_TARGET.equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst();
  }

  private static Optional<ContainerStateTerminated> agentTermination(Pod pod) {
    return Optional.of(pod).stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .filter(cs -> TaskJobs.CONTAINER.equals(cs.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .filter(t -> t.getExitCode() != null && t.getExitCode() != 0)
        .findFirst();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }
}
