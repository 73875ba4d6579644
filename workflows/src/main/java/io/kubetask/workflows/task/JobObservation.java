package io.kubetask.workflows.task;

/**
 * Where the agent of a Job is.
 *
 * @param state the state
 * @param outcome the final outcome (FINISHED)
 * @param agentDoneAtEpochMillis when the agent command ended, as the pod's readiness says
 *     (AGENT_DONE), or null when unknown
 * @param deadline what the Task becomes if the agent is still where it is at a given time (RUNNING
 *     with the Job's start or run limit), or null for no deadline. Histories recorded before
 *     deadlines existed have none, and replay exactly as before.
 * @param expiry when the Task expires, once the look that found the Job finished has also finished
 *     the Task (FINISHED, when the workflow asked it to); null when the workflow still has to
 */
public record JobObservation(
    State state, Outcome outcome, Long agentDoneAtEpochMillis, Deadline deadline, Expiry expiry) {

  /**
   * A limit of the run: past {@code atEpochMillis} the agent is stopped and the Task ends with
   * {@code outcome}.
   */
  public record Deadline(long atEpochMillis, Outcome outcome) {
    /** Whether the deadline has passed at {@code nowEpochMillis}. */
    public boolean passed(long nowEpochMillis) {
      return nowEpochMillis >= atEpochMillis;
    }

    /** How long until it passes (zero once it has). */
    public java.time.Duration left(long nowEpochMillis) {
      return java.time.Duration.ofMillis(Math.max(0, atEpochMillis - nowEpochMillis));
    }
  }

  public enum State {
    /** The agent command runs (or the pod is not running yet). */
    RUNNING,
    /** The agent command ended and the keep-alive window holds the container. */
    AGENT_DONE,
    /** The Job finished. */
    FINISHED
  }

  public static JobObservation running() {
    return new JobObservation(State.RUNNING, null, null, null, null);
  }

  /** The agent has not finished, and must by {@code deadline}. */
  public static JobObservation running(Deadline deadline) {
    return new JobObservation(State.RUNNING, null, null, deadline, null);
  }

  /** The agent command ended at a time nobody recorded. */
  public static JobObservation agentDone() {
    return new JobObservation(State.AGENT_DONE, null, null, null, null);
  }

  public static JobObservation agentDone(long epochMillis) {
    return new JobObservation(State.AGENT_DONE, null, epochMillis, null, null);
  }

  public static JobObservation finished(Outcome outcome) {
    return new JobObservation(State.FINISHED, outcome, null, null, null);
  }

  /**
   * This finished observation, once the Task is finished too and expires as {@code expiry} says.
   */
  public JobObservation withTaskFinished(Expiry expiry) {
    return new JobObservation(state, outcome, agentDoneAtEpochMillis, deadline, expiry);
  }
}
