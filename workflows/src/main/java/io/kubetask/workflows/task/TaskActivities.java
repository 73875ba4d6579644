package io.kubetask.workflows.task;

import io.temporal.activity.ActivityInterface;

/**
 * Everything the Task workflow does to the cluster. Each activity is idempotent: it is retried
 * after worker crashes and replayed workflows call it again, so it finds its own earlier work by
 * deterministic names and owner uids instead of repeating it.
 */
@ActivityInterface(namePrefix = "Task.")
public interface TaskActivities {

  /**
   * Reads the Task, resolves its Agent and contexts and, when everything is there, creates the
   * context ConfigMap and the Job (or finds them) and marks the Task Running. A missing Agent or
   * ConfigMap marks it Pending with a condition instead.
   *
   * @param agent the Agent the Task named when its workflow started, read beside the Task so that
   *     it adds no round trip before the Job (the Task's spec cannot change, so it still names it);
   *     null when the workflow does not know, and the Agent is read once the Task is
   */
  StartResult start(TaskRef task, String agent);

  /**
   * Reads the Job (and its pod) and says where the agent is.
   *
   * @param finish when the Job has finished, also finish the Task ({@link #finish}) with what the
   *     agent reported, in one status write, and return when it expires; false (as in workflows
   *     started before it existed) records only what the agent reported, and the workflow finishes
   *     the Task
   */
  JobObservation observeJob(TaskRef task, String jobName, boolean keepAlive, boolean finish);

  /** Records on the Task that the keep-alive window is open until the given time. */
  void windowOpened(TaskRef task, long closesAtEpochMillis);

  /** Lets the agent pod go: marks it so the keep-alive wrapper exits with the agent's code. */
  void releasePod(TaskRef task, String jobName);

  /** Deletes the Job (and so its pods) to stop the agent. */
  void deleteJob(TaskRef task, String jobName);

  /** Marks the Task Completed or Failed and returns when it expires. */
  Expiry finish(TaskRef task, Outcome outcome);

  /** Re-reads the TTL from the namespace's KubeTaskConfig and records the new expiration time. */
  Expiry refreshExpiry(TaskRef task);

  /** Deletes the Task (its Job and ConfigMap follow by garbage collection). */
  void deleteTask(TaskRef task);
}
