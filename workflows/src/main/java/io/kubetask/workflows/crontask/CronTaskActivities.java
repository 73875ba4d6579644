package io.kubetask.workflows.crontask;

import io.temporal.activity.ActivityInterface;

/**
 * Everything a CronTask run workflow does to the cluster. Each activity is idempotent: the Task of
 * a fire has a deterministic name and is recognised by its owner uid and run annotation.
 */
@ActivityInterface(namePrefix = "CronTask.")
public interface CronTaskActivities {

  /**
   * Creates the Task of a fire from the CronTask's template (or finds the one an earlier attempt
   * created) and records a TaskCreated Event on the CronTask.
   */
  FireResult createTask(CronTaskFire fire);

  /**
   * Whether the Task has finished (Completed or Failed); a Task that is gone counts as finished.
   */
  boolean taskFinished(CronTaskRef cronTask, String taskName, String taskUid);

  /**
   * The fire's run was cancelled because a newer fire replaces it (concurrencyPolicy Replace): asks
   * for the fire's Task to be stopped with reason Replaced and records a Replaced Event.
   */
  void replaced(CronTaskFire fire);

  /**
   * Deletes the oldest finished Tasks of the CronTask beyond its successfulTasksHistoryLimit and
   * failedTasksHistoryLimit; returns how many it deleted.
   */
  int pruneHistory(CronTaskRef cronTask);
}
