package io.kubetask.workflows.temporal;

/** Temporal task queues. */
public final class TaskQueues {
  /** The default queue of the worker, configurable with KUBETASK_TASK_QUEUE. */
  public static final String DEFAULT = "kubetask";

  private TaskQueues() {}
}
