package io.kubetask.workflows.task;

/**
 * What {@link TaskActivities#start} found or did.
 *
 * @param state what happened
 * @param jobName the Job that runs the agent (STARTED)
 * @param keepAliveSeconds the human-in-the-loop window, or 0 when the Agent has none (STARTED)
 * @param cronTaskRun the CronTask run workflow waiting for this Task, or null
 * @param outcome why the Task cannot run (INVALID), or its recorded outcome (FINISHED)
 * @param jobCreated whether this call created the Job (STARTED): a Job created just now has nothing
 *     to report yet, while one found from an earlier attempt may have finished long ago
 * @param retryAtEpochMillis when a Task queued under a start rate may start (BLOCKED), or 0
 */
public record StartResult(
    State state,
    String jobName,
    int keepAliveSeconds,
    String cronTaskRun,
    Outcome outcome,
    boolean jobCreated,
    long retryAtEpochMillis) {

  public StartResult(
      State state,
      String jobName,
      int keepAliveSeconds,
      String cronTaskRun,
      Outcome outcome,
      boolean jobCreated) {
    this(state, jobName, keepAliveSeconds, cronTaskRun, outcome, jobCreated, 0);
  }

  public enum State {
    /** The Job exists and the Task is Running. */
    STARTED,
    /**
     * The Task waits: for an Agent or ConfigMap (Pending), or for a slot (Queued), with a condition
     * saying which.
     */
    BLOCKED,
    /** The Task cannot run as specified (e.g. contexts too large); finish it with the outcome. */
    INVALID,
    /** The Task already finished (its workflow was re-created); only its TTL is left. */
    FINISHED,
    /** The Task no longer exists (or is being deleted, or is another object of the same name). */
    GONE
  }

  /** The Job was created by this call. */
  public static StartResult created(String jobName, int keepAliveSeconds, String cronTaskRun) {
    return new StartResult(State.STARTED, jobName, keepAliveSeconds, cronTaskRun, null, true);
  }

  /** The Job already existed: an earlier attempt, or a workflow that Temporal lost, created it. */
  public static StartResult adopted(String jobName, int keepAliveSeconds, String cronTaskRun) {
    return new StartResult(State.STARTED, jobName, keepAliveSeconds, cronTaskRun, null, false);
  }

  public static StartResult blocked(String cronTaskRun) {
    return new StartResult(State.BLOCKED, null, 0, cronTaskRun, null, false);
  }

  /** Queued for a slot; under a start rate, until about {@code retryAt} (null: until told). */
  public static StartResult queued(String cronTaskRun, java.time.Instant retryAt) {
    return new StartResult(
        State.BLOCKED,
        null,
        0,
        cronTaskRun,
        null,
        false,
        retryAt == null ? 0 : retryAt.toEpochMilli());
  }

  public static StartResult invalid(Outcome outcome, String cronTaskRun) {
    return new StartResult(State.INVALID, null, 0, cronTaskRun, outcome, false);
  }

  public static StartResult finished(String cronTaskRun) {
    return new StartResult(State.FINISHED, null, 0, cronTaskRun, null, false);
  }

  public static StartResult gone() {
    return new StartResult(State.GONE, null, 0, null, null, false);
  }
}
