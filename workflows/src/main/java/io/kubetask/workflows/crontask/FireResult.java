package io.kubetask.workflows.crontask;

/**
 * What {@link CronTaskActivities#createTask} found or did.
 *
 * @param state what happened
 * @param taskName the Task of the fire (CREATED, EXISTS, DUPLICATE)
 * @param taskUid its uid (CREATED, EXISTS, DUPLICATE)
 */
public record FireResult(State state, String taskName, String taskUid) {

  public enum State {
    /** The Task was created now. */
    CREATED,
    /** An earlier attempt of this run created the Task. */
    EXISTS,
    /** Another run of the same second created the Task (e.g. a run-now and a scheduled fire). */
    DUPLICATE,
    /** The CronTask is gone, being deleted, or another object of the same name. */
    GONE,
    /** The API server rejected the Task (e.g. an invalid template); an Event says why. */
    REJECTED,
    /** The CronTask, read at the fire, says not to run it (see {@link FireDecision}). */
    SKIPPED
  }

  public static FireResult created(String taskName, String taskUid) {
    return new FireResult(State.CREATED, taskName, taskUid);
  }

  public static FireResult exists(String taskName, String taskUid) {
    return new FireResult(State.EXISTS, taskName, taskUid);
  }

  public static FireResult duplicate(String taskName, String taskUid) {
    return new FireResult(State.DUPLICATE, taskName, taskUid);
  }

  public static FireResult gone() {
    return new FireResult(State.GONE, null, null);
  }

  public static FireResult skipped() {
    return new FireResult(State.SKIPPED, null, null);
  }

  public static FireResult rejected() {
    return new FireResult(State.REJECTED, null, null);
  }

  /** Whether this run owns a Task it must wait for. */
  public boolean waitsForTask() {
    return state == State.CREATED || state == State.EXISTS;
  }
}
