package io.kubetask.workflows.task;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Drives one Task from start to deletion: resolve its Agent and contexts, create the ConfigMap and
 * the Job, wait for the Job, hold the human-in-the-loop window, report the outcome, and delete the
 * Task when its TTL expires. Method names are wire names: renaming one breaks running workflows.
 */
@WorkflowInterface
public interface TaskWorkflow {

  @WorkflowMethod(name = "Task")
  void run(TaskRef task);

  /** The Task's Job changed in a way that matters (it finished, or its agent command ended). */
  @SignalMethod
  void jobChanged();

  /** An Agent or ConfigMap in the Task's namespace changed: a blocked Task may start now. */
  @SignalMethod
  void dependenciesChanged();

  /** A human ended the keep-alive window early. */
  @SignalMethod
  void release();

  /** Stop the agent: delete the Job and finish the Task as Failed with this reason. */
  @SignalMethod
  void stop(String reason);

  /** The namespace's KubeTaskConfig changed: recompute the TTL deadline. */
  @SignalMethod
  void configChanged();
}
