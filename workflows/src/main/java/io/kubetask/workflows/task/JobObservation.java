package io.kubetask.workflows.task;

/**
 * Where the agent of a Job is.
 *
 * @param state the state
 * @param outcome the final outcome (FINISHED)
 * @param agentDoneAtEpochMillis when the agent command ended, as the pod's readiness says
 *     (AGENT_DONE), or null when unknown
 */
public record JobObservation(State state, Outcome outcome, Long agentDoneAtEpochMillis) {

  public enum State {
    /** The agent command runs (or the pod is not running yet). */
    RUNNING,
    /** The agent command ended and the keep-alive window holds the container. */
    AGENT_DONE,
    /** The Job finished. */
    FINISHED
  }

  public static JobObservation running() {
    return new JobObservation(State.RUNNING, null, null);
  }

  /** The agent command ended at a time nobody recorded. */
  public static JobObservation agentDone() {
    return new JobObservation(State.AGENT_DONE, null, null);
  }

  public static JobObservation agentDone(long epochMillis) {
    return new JobObservation(State.AGENT_DONE, null, epochMillis);
  }

  public static JobObservation finished(Outcome outcome) {
    return new JobObservation(State.FINISHED, outcome, null);
  }
}
