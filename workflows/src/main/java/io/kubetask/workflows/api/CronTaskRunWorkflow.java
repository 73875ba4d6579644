package io.kubetask.workflows.api;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One fire of a CronTask's Temporal Schedule: creates the Task for the scheduled time and lives as
 * long as that Task runs, so the Schedule's overlap policy sees the fire as running until its Task
 * ends.
 */
@WorkflowInterface
public interface CronTaskRunWorkflow {

  @WorkflowMethod(name = "CronTaskRun")
  void run(CronTaskRef cronTask);

  /** Sent by the Task's workflow when the Task has finished. */
  @SignalMethod
  void taskFinished();
}
