package io.kubetask.workflows.crontask;

/**
 * One fire of a CronTask's Schedule: the input of the activities that create and stop its Task.
 *
 * @param cronTask the CronTask that fired
 * @param scheduledAtEpochSeconds the scheduled time of the fire; the Task is named {@code
 *     <crontask>-<scheduledAtEpochSeconds>}, which makes its creation idempotent
 * @param runWorkflowId the run workflow of this fire, recorded on the Task so that the Task's
 *     workflow can tell it when the Task has finished
 */
public record CronTaskFire(
    CronTaskRef cronTask, long scheduledAtEpochSeconds, String runWorkflowId) {

  /** The name of the Task this fire creates. */
  public String taskName() {
    return cronTask.name() + "-" + scheduledAtEpochSeconds;
  }
}
