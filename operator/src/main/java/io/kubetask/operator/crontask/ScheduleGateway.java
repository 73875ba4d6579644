package io.kubetask.operator.crontask;

import io.kubetask.workflows.crontask.CronTaskRef;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleDescription;
import java.util.List;
import java.util.Optional;

/**
 * Creates, reads, changes and deletes the Temporal Schedules of CronTasks. Temporal's in-memory
 * test server has no Schedules, so the reconciler talks to this port: a fake in unit tests, the
 * Temporal implementation against the dev server in the E2E tests.
 */
public interface ScheduleGateway {

  /** The Schedule, or empty when it does not exist. */
  Optional<ScheduleDescription> describe(String scheduleId);

  /** Creates the Schedule; one that exists already is updated instead. */
  void create(String scheduleId, Schedule schedule);

  /** Replaces the Schedule's spec, action, policies and state. */
  void update(String scheduleId, Schedule schedule);

  /** Deletes the Schedule; returns false when there was none. Runs it started go on. */
  boolean delete(String scheduleId);

  /** Starts one action now, subject to the Schedule's overlap policy (also while paused). */
  void trigger(String scheduleId);

  /**
   * Cancels the runs the CronTask's Schedule started that are still running (each then ends without
   * touching its Task, which goes with the CronTask).
   */
  void cancelRuns(CronTaskRef cronTask);

  /** The ids of every CronTask Schedule ({@code crontask/<namespace>/<name>}) in Temporal. */
  List<String> cronTaskScheduleIds();

  /** Temporal refused a Schedule as invalid (for example a time zone it does not know). */
  final class RejectedException extends RuntimeException {
    public RejectedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
