package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.Duration;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.TaskSpec;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How long an agent may take to start and how long it may run, resolved from the Task and its Agent
 * when the Job is created and written onto the Job, so that a workflow re-created later (Temporal
 * lost its state) keeps the deadlines the Task started with instead of reading a changed Agent.
 *
 * @param startTimeoutSeconds from the Job's creation until the agent container runs
 * @param timeoutSeconds from the agent container running until the agent command ends, or null for
 *     no limit
 */
public record RunLimits(long startTimeoutSeconds, Long timeoutSeconds) {
  public static final long DEFAULT_START_TIMEOUT_SECONDS = 15 * 60;
  public static final RunLimits DEFAULT = new RunLimits(DEFAULT_START_TIMEOUT_SECONDS, null);

  /**
   * The Task's own limits, else its Agent's, else the defaults.
   *
   * @throws IllegalArgumentException when a value is no duration (the CRD's schema rejects those,
   *     unless it is older than the fields)
   */
  static RunLimits of(TaskSpec task, AgentSpec agent) {
    String start = task.startTimeout() != null ? task.startTimeout() : agent.startTimeout();
    String run = task.timeout() != null ? task.timeout() : agent.timeout();
    return new RunLimits(
        start == null ? DEFAULT_START_TIMEOUT_SECONDS : seconds("startTimeout", start),
        run == null ? null : seconds("timeout", run));
  }

  /** The annotations that carry these limits on the Job. */
  Map<String, String> annotations() {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(KubeTaskAnnotations.START_TIMEOUT_SECONDS, Long.toString(startTimeoutSeconds));
    if (timeoutSeconds != null) {
      annotations.put(KubeTaskAnnotations.TIMEOUT_SECONDS, Long.toString(timeoutSeconds));
    }
    return annotations;
  }

  /** The limits a Job carries, or empty for a Job created before Jobs carried them. */
  static Optional<RunLimits> fromAnnotations(Map<String, String> annotations) {
    String start =
        annotations == null ? null : annotations.get(KubeTaskAnnotations.START_TIMEOUT_SECONDS);
    if (start == null) {
      return Optional.empty();
    }
    String run = annotations.get(KubeTaskAnnotations.TIMEOUT_SECONDS);
    try {
      return Optional.of(
          new RunLimits(Long.parseLong(start), run == null ? null : Long.parseLong(run)));
    } catch (NumberFormatException e) {
      return Optional.empty(); // Edited by hand: no deadlines rather than a failing Task.
    }
  }

  /** Whole seconds, rounded up: a limit never ends an agent sooner than it says. */
  private static long seconds(String field, String value) {
    try {
      java.time.Duration duration = Duration.parse(value).getDuration();
      return Math.max(1, duration.toSeconds() + (duration.getNano() > 0 ? 1 : 0));
    } catch (ParseException e) {
      throw new IllegalArgumentException(
          field + " \"" + value + "\" is no duration such as 90s, 15m or 1h30m");
    }
  }
}
