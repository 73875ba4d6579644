package io.kubetask.api;

/** Annotations that users or KubeTask put on Tasks, CronTasks and agent pods. */
public final class KubeTaskAnnotations {
  /** On Tasks created by a CronTask: the scheduled time of the fire (RFC 3339). */
  public static final String SCHEDULED_AT = "kubetask.io/scheduled-at";

  /** On Tasks created by a CronTask: the id of the CronTask run workflow waiting for the Task. */
  public static final String CRONTASK_RUN = "kubetask.io/crontask-run";

  /**
   * Set by a user on a Task (any value) to end its human-in-the-loop window early; the worker
   * copies it onto the agent pod, where the keep-alive wrapper reads it through the downward API.
   */
  public static final String RELEASE = "kubetask.io/release";

  /** Set on a Task to stop its agent; the value is the reason recorded on the Task. */
  public static final String STOP = "kubetask.io/stop";

  /**
   * On a Task a CronTask created to replace its running Task (concurrencyPolicy Replace): the name
   * of that Task. Under a limit it takes the freed slot ahead of every waiting Task.
   */
  public static final String REPLACES = "kubetask.io/replaces";

  /** Set by a person on a Task that waits for approval: {@code true} lets its agent start. */
  public static final String APPROVE = "kubetask.io/approve";

  /** Set by a person on a Task that waits for approval: fails it, the value saying why. */
  public static final String REJECT = "kubetask.io/reject";

  /** Set by a user on a CronTask (any value) to fire it once now; removed by the operator. */
  public static final String RUN_NOW = "kubetask.io/run-now";

  /**
   * On a Task's Job: the seconds its agent may take to start, resolved from the Task and its Agent
   * when the Job was created, so that a workflow re-created later keeps the same deadline.
   */
  public static final String START_TIMEOUT_SECONDS = "kubetask.io/start-timeout-seconds";

  /** On a Task's Job: the seconds its agent may run (absent: no limit); see above. */
  public static final String TIMEOUT_SECONDS = "kubetask.io/timeout-seconds";

  /** On a Task's Job: the keep-alive window of its agent in seconds (absent: none); see above. */
  public static final String KEEP_ALIVE_SECONDS = "kubetask.io/keep-alive-seconds";

  /** On a Task's Job: the Agent's resultSchema (JSON) when the Job was created. */
  public static final String RESULT_SCHEMA = "kubetask.io/result-schema";

  private KubeTaskAnnotations() {}
}
