package io.kubetask.workflows.task;

import java.time.Duration;

/**
 * The human-in-the-loop window of a running Task as its workflow sees it: it opens when the agent
 * command is seen done, and holds the pod until a release or its closing time. Pure: every time is
 * passed in (the workflow passes {@code Workflow.currentTimeMillis()}), so that the workflow's
 * decisions replay exactly.
 *
 * @param keepAliveSeconds how long the window stays open after the agent ends, or 0 when the Agent
 *     has none
 * @param closesAtEpochMillis when the window closes, or -1 while it has not opened
 * @param podReleased whether the pod has been released
 */
record KeepAliveWindow(int keepAliveSeconds, long closesAtEpochMillis, boolean podReleased) {

  /** The window of an agent that still runs. */
  static KeepAliveWindow notOpened(int keepAliveSeconds) {
    return new KeepAliveWindow(keepAliveSeconds, -1, false);
  }

  /** Whether the Agent asked for a window, so that the observation looks for the agent's end. */
  boolean enabled() {
    return keepAliveSeconds > 0;
  }

  boolean opened() {
    return closesAtEpochMillis >= 0;
  }

  /** Whether the window holds the pod: it opened and the pod has not been released. */
  boolean holdsPod() {
    return opened() && !podReleased;
  }

  /** Whether this observation opens the window: the agent is seen done for the first time. */
  boolean opensOn(JobObservation seen) {
    return seen.state() == JobObservation.State.AGENT_DONE && !opened();
  }

  /**
   * The window that {@code seen} opens. It is counted from when the agent ended, as the wrapper
   * counts: a workflow started again after Temporal lost its state keeps the window's closing time.
   * Only when nobody recorded the agent's end does it count from now.
   */
  KeepAliveWindow open(JobObservation seen, long nowEpochMillis) {
    long agentDone =
        seen.agentDoneAtEpochMillis() != null ? seen.agentDoneAtEpochMillis() : nowEpochMillis;
    return new KeepAliveWindow(keepAliveSeconds, agentDone + keepAliveSeconds * 1000L, false);
  }

  /** Whether the pod must be let go now: the window holds it, and was released or has closed. */
  boolean mustRelease(boolean released, long nowEpochMillis) {
    return holdsPod() && (released || nowEpochMillis >= closesAtEpochMillis);
  }

  KeepAliveWindow withPodReleased() {
    return new KeepAliveWindow(keepAliveSeconds, closesAtEpochMillis, true);
  }

  /**
   * How long the workflow waits for a signal: the re-check, or less when the window holds the pod
   * and closes sooner (at once when it is already past).
   */
  Duration nextWakeUp(Duration recheck, long nowEpochMillis) {
    if (!holdsPod()) {
      return recheck;
    }
    Duration left = Duration.ofMillis(Math.max(0, closesAtEpochMillis - nowEpochMillis));
    return recheck.compareTo(left) <= 0 ? recheck : left;
  }
}
