package io.kubetask.workflows.support;

import java.time.Duration;

/**
 * What the activities report to the worker's metrics. Each call stands for a change in the cluster,
 * made once: a retried activity that finds its work done reports nothing again.
 */
public interface ActivityMetrics {
  ActivityMetrics NONE = new ActivityMetrics() {};

  /**
   * A Task reached Completed or Failed.
   *
   * @param runTime from the Task's startTime to its completionTime (never negative: a run of less
   *     than a second is zero), or null when its agent never started
   */
  default void taskFinished(boolean succeeded, Duration runTime) {}

  /**
   * A Task that was Queued got its slot.
   *
   * @param queued from the moment it was queued until now
   */
  default void taskLeftQueue(Duration queued) {}

  /** A CronTask fire created its Task. */
  default void cronTaskFireCreated() {}

  /** A CronTask fire was skipped when it came (suspended, stale, or Forbid with a Task active). */
  default void cronTaskFireSkipped() {}

  /** A CronTask fire came past its startingDeadlineSeconds and was not made up. */
  default void cronTaskFireMissed() {}
}
