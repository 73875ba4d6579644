package io.kubetask.workflows.api;

/**
 * Where the agent of a Job is.
 *
 * @param state the state
 * @param outcome the final outcome (SUCCEEDED, FAILED, MISSING)
 */
public record JobObservation(State state, Outcome outcome) {

  public enum State {
    /** The agent command runs (or the pod is not running yet). */
    RUNNING,
    /** The agent command ended and the keep-alive window holds the container. */
    AGENT_DONE,
    /** The Job finished. */
    FINISHED
  }

  public static JobObservation running() {
    return new JobObservation(State.RUNNING, null);
  }

  public static JobObservation agentDone() {
    return new JobObservation(State.AGENT_DONE, null);
  }

  public static JobObservation finished(Outcome outcome) {
    return new JobObservation(State.FINISHED, outcome);
  }
}
