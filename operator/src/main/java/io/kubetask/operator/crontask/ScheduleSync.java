package io.kubetask.operator.crontask;

import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.operator.crontask.ScheduleDrift.Drift;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.k8s.EventRecorder;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleInfo;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a CronTask's Temporal Schedule in step with its spec: creates it, updates it after a spec
 * change, restores it after a hand edit or deletion, re-creates one an earlier CronTask of the same
 * name left behind, and deletes it while the spec is invalid and with the CronTask. Each change is
 * told in an Event on the CronTask.
 */
final class ScheduleSync {
  static final String SCHEDULE_CREATED = "ScheduleCreated";
  static final String SCHEDULE_UPDATED = "ScheduleUpdated";
  static final String SCHEDULE_RESTORED = "ScheduleRestored";

  private static final Logger log = LoggerFactory.getLogger(ScheduleSync.class);

  private final ScheduleGateway schedules;
  private final EventRecorder events;
  private final String taskQueue;

  /**
   * What the sync found.
   *
   * @param invalid why the CronTask cannot have a Schedule, or null
   * @param info the Schedule's info, or null when there is no Schedule
   */
  record Outcome(String invalid, ScheduleInfo info) {
    boolean valid() {
      return invalid == null;
    }
  }

  /**
   * @param taskQueue the worker's task queue, where the Schedules start their runs
   */
  ScheduleSync(ScheduleGateway schedules, EventRecorder events, String taskQueue) {
    this.schedules = schedules;
    this.events = events;
    this.taskQueue = taskQueue;
  }

  /** Brings the CronTask's Schedule in step with its spec, or deletes it if the spec is invalid. */
  Outcome sync(CronTask cronTask) {
    String scheduleId = CronTaskSchedules.ref(cronTask).scheduleId();
    String invalid = CronTaskValidator.validate(cronTask.getSpec()).orElse(null);
    ScheduleInfo info = null;
    if (invalid == null) {
      try {
        info = ensure(cronTask, scheduleId).map(ScheduleDescription::getInfo).orElse(null);
      } catch (ScheduleGateway.RejectedException e) {
        invalid = "Temporal rejected the schedule: " + e.getMessage();
      }
    }
    if (invalid != null && schedules.delete(scheduleId)) {
      log.info("Deleted Schedule {}: the CronTask's schedule is invalid", scheduleId);
    }
    return new Outcome(invalid, info);
  }

  /** Cancels the runs of a deleted CronTask and deletes its Schedule. */
  void remove(CronTask cronTask) {
    CronTaskRef ref = CronTaskSchedules.ref(cronTask);
    // Runs waiting for Tasks that go with the CronTask would otherwise wait for a re-check timer.
    schedules.cancelRuns(ref);
    if (schedules.delete(ref.scheduleId())) {
      log.info("CronTask deleted, deleted Schedule {}", ref.scheduleId());
    }
  }

  /** Creates, updates or restores the Schedule as needed; returns its description. */
  private Optional<ScheduleDescription> ensure(CronTask cronTask, String scheduleId) {
    Schedule desired = CronTaskSchedules.toSchedule(cronTask, taskQueue);
    Optional<ScheduleDescription> current = schedules.describe(scheduleId);
    Drift drift =
        ScheduleDrift.of(
            cronTask, desired, current.map(ScheduleDescription::getSchedule).orElse(null));
    String differences = String.join(", ", drift.differences());
    switch (drift.kind()) {
      case IN_STEP -> {
        return current;
      }
      case NOT_CREATED -> {
        schedules.create(scheduleId, desired);
        log.info("Created Schedule {}", scheduleId);
        events.normal(cronTask, SCHEDULE_CREATED, "Created Temporal Schedule " + scheduleId + ".");
      }
      case MISSING -> {
        schedules.create(scheduleId, desired);
        log.info("Schedule {} was missing, created it again", scheduleId);
        events.warning(
            cronTask,
            SCHEDULE_RESTORED,
            "Temporal Schedule "
                + scheduleId
                + " was missing; created it again from the CronTask.");
      }
      case EARLIER_CRONTASK -> {
        // Left behind by an earlier CronTask of this name: start afresh, with fresh counters.
        log.info(
            "Schedule {} belonged to CronTask uid {}, re-creating it",
            scheduleId,
            CronTaskSchedules.target(current.get().getSchedule())
                .map(CronTaskRef::uid)
                .orElse(null));
        schedules.delete(scheduleId);
        schedules.create(scheduleId, desired);
        events.normal(
            cronTask,
            SCHEDULE_CREATED,
            "Created Temporal Schedule " + scheduleId + " in place of an earlier CronTask's.");
      }
      case SPEC_CHANGED, EDITED -> {
        schedules.update(scheduleId, desired);
        log.info("Updated Schedule {}: {} differed", scheduleId, drift.differences());
        if (drift.kind() == ScheduleDrift.Kind.SPEC_CHANGED) {
          events.normal(
              cronTask,
              SCHEDULE_UPDATED,
              "Updated Temporal Schedule " + scheduleId + " (" + differences + ").");
        } else {
          events.warning(
              cronTask,
              SCHEDULE_RESTORED,
              "Temporal Schedule "
                  + scheduleId
                  + " was changed outside KubeTask ("
                  + differences
                  + "); restored it from the CronTask.");
        }
      }
    }
    return schedules.describe(scheduleId);
  }
}
