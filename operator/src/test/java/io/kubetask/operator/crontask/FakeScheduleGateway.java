package io.kubetask.operator.crontask;

import io.kubetask.workflows.crontask.CronTaskRef;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecution;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleInfo;
import io.temporal.common.SearchAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Schedules in memory, with the info a test sets, and a log of the calls that changed them. */
public final class FakeScheduleGateway implements ScheduleGateway {
  final Map<String, Schedule> schedules = new LinkedHashMap<>();
  final List<String> calls = new ArrayList<>();
  long skipped;
  long missed;
  List<Instant> nextActionTimes = List.of();
  List<String> runningWorkflows = List.of();
  String rejection;

  /** Thrown by every call while set: Temporal cannot be reached. */
  RuntimeException unreachable;

  @Override
  public Optional<ScheduleDescription> describe(String scheduleId) {
    Schedule schedule = schedules.get(scheduleId);
    if (schedule == null) {
      return Optional.empty();
    }
    var info =
        new ScheduleInfo(
            0,
            missed,
            skipped,
            runningWorkflows.stream()
                .<ScheduleActionExecution>map(
                    id -> new ScheduleActionExecutionStartWorkflow(id, "run"))
                .toList(),
            List.of(),
            nextActionTimes,
            Instant.EPOCH,
            Instant.EPOCH);
    return Optional.of(
        new ScheduleDescription(
            scheduleId, info, schedule, Map.of(), SearchAttributes.EMPTY, Map.of(), null));
  }

  @Override
  public void create(String scheduleId, Schedule schedule) {
    reject();
    calls.add("create " + scheduleId);
    schedules.put(scheduleId, schedule);
  }

  @Override
  public void update(String scheduleId, Schedule schedule) {
    reject();
    calls.add("update " + scheduleId);
    schedules.put(scheduleId, schedule);
  }

  @Override
  public boolean delete(String scheduleId) {
    if (unreachable != null) {
      throw unreachable;
    }
    boolean existed = schedules.remove(scheduleId) != null;
    if (existed) {
      calls.add("delete " + scheduleId);
    }
    return existed;
  }

  @Override
  public void trigger(String scheduleId) {
    if (!schedules.containsKey(scheduleId)) {
      throw new IllegalStateException("no schedule " + scheduleId);
    }
    calls.add("trigger " + scheduleId);
  }

  @Override
  public void cancelRuns(CronTaskRef cronTask) {
    if (unreachable != null) {
      throw unreachable;
    }
    calls.add("cancel runs of " + cronTask.scheduleId());
  }

  /** A Schedule's info with its counters, its recent fires and its next fire times. */
  static ScheduleInfo info(long skipped, long missed, List<Instant> recent, List<Instant> next) {
    return new ScheduleInfo(
        recent.size(),
        missed,
        skipped,
        List.of(),
        recent.stream()
            .map(
                t ->
                    new ScheduleActionResult(
                        t, t, new ScheduleActionExecutionStartWorkflow("w", "r")))
            .toList(),
        next,
        null,
        null);
  }

  private void reject() {
    if (rejection != null) {
      throw new RejectedException(rejection, null);
    }
  }

  @Override
  public List<String> cronTaskScheduleIds() {
    return List.copyOf(schedules.keySet());
  }
}
