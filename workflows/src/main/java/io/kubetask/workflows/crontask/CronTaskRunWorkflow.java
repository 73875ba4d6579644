package io.kubetask.workflows.crontask;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One fire of a CronTask's Temporal Schedule: creates the Task for the scheduled time and lives as
 * long as that Task runs, so the Schedule's overlap policy sees the fire as running until its Task
 * ends. Method names are wire names: renaming one breaks running workflows and Schedules.
 */
@WorkflowInterface
public interface CronTaskRunWorkflow {

  /** The workflow type that CronTask Schedules start. */
  String TYPE = "CronTaskRun";

  /**
   * @param cronTask the CronTask that fired (the Schedule's one argument)
   * @param continued null when the Schedule starts the run; set when a long run continues as new
   */
  @WorkflowMethod(name = TYPE)
  void run(CronTaskRef cronTask, CronTaskRunContinuation continued);

  /**
   * Sent by the Task's workflow when the Task has finished. A hint, not a fact: the run re-reads
   * the Task before it ends, so a spurious signal is harmless.
   */
  @SignalMethod
  void taskFinished();
}
