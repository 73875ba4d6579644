package io.kubetask.operator.task;

import io.kubetask.workflows.task.TaskRef;

/**
 * Starts, signals and terminates the Temporal workflow of a Task. Every call is idempotent; errors
 * other than "already running" or "not found" propagate so that the reconciliation is retried.
 */
public interface TaskWorkflowGateway {

  /** Starts the Task's workflow unless it already runs (a closed one is started again). */
  void ensureStarted(TaskWorkflowTarget target);

  /** Sends a signal, starting the workflow first when it does not run (signal-with-start). */
  void signal(TaskWorkflowTarget target, Signal signal);

  /**
   * Ends the workflow of a deleted Task at once; a workflow that is gone or already closed counts
   * as done. Terminated, not cancelled: nothing is left for the workflow to do (its Job and
   * ConfigMap go with the Task by garbage collection, its CronTask run is told by the operator),
   * and a cancellation would cost a workflow task on a worker, a replay when the workflow is not
   * cached and several history events for each Task of a namespace being deleted.
   */
  void terminate(TaskRef ref);

  /**
   * Tells the CronTask run workflow that waits for a deleted Task that the Task is gone, so the
   * CronTask's slot frees at once; a run that is gone or closed counts as told.
   */
  void taskGone(String cronTaskRunWorkflowId);

  /** A signal of {@link io.kubetask.workflows.api.TaskWorkflow}. */
  record Signal(Kind kind, String reason) {
    public enum Kind {
      JOB_CHANGED,
      DEPENDENCIES_CHANGED,
      RELEASE,
      STOP,
      CONFIG_CHANGED
    }

    public static final Signal JOB_CHANGED = new Signal(Kind.JOB_CHANGED, null);
    public static final Signal DEPENDENCIES_CHANGED = new Signal(Kind.DEPENDENCIES_CHANGED, null);
    public static final Signal RELEASE = new Signal(Kind.RELEASE, null);
    public static final Signal CONFIG_CHANGED = new Signal(Kind.CONFIG_CHANGED, null);

    public static Signal stop(String reason) {
      return new Signal(Kind.STOP, reason);
    }
  }
}
