package io.kubetask.workflows.crontask;

import static io.kubetask.workflows.support.Waits.FIRST_RECHECK;
import static io.kubetask.workflows.support.Waits.awaitOrTimeout;
import static io.kubetask.workflows.support.Waits.nextRecheck;

import io.kubetask.workflows.support.Waits;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;

/**
 * One fire of a CronTask: create its Task, wait until the Task has finished, prune the CronTask's
 * history. The run lives as long as its Task so that the Schedule's overlap policy (Forbid: skip,
 * Replace: cancel this run) sees the fire as running until the Task ends.
 */
public class CronTaskRunWorkflowImpl implements CronTaskRunWorkflow {
  private static final Logger log = Workflow.getLogger(CronTaskRunWorkflowImpl.class);

  /**
   * Set by Temporal on every workflow a Schedule starts: the fire's scheduled (or trigger) time.
   */
  public static final SearchAttributeKey<OffsetDateTime> SCHEDULED_START_TIME =
      SearchAttributeKey.forOffsetDateTime("TemporalScheduledStartTime");

  private final CronTaskActivities activities =
      Workflow.newActivityStub(
          CronTaskActivities.class,
          Waits.clusterActivities()
              // A cancelled run waits for an in-flight createTask to end, so that the stop that
              // follows sees the Task it may have created.
              .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
              .build());

  /** The change id of continuing as new past {@link #HISTORY_BOUND}. */
  static final String CONTINUE_AS_NEW = "run-continue-as-new";

  /** The history length past which a run waiting for its Task continues as new. */
  static final int HISTORY_BOUND = 400;

  private boolean taskFinishedSignalled;

  @Override
  public void run(CronTaskRef cronTask, CronTaskRunContinuation continued) {
    CronTaskFire fire =
        continued != null
            ? continued.fire()
            : new CronTaskFire(
                cronTask, scheduledAtEpochSeconds(), Workflow.getInfo().getWorkflowId());
    try {
      FireResult result = continued != null ? continued.task() : activities.createTask(fire);
      if (!result.waitsForTask()) {
        log.info(
            "Fire {} of {}/{} creates no Task: {}",
            fire.scheduledAtEpochSeconds(),
            cronTask.namespace(),
            cronTask.name(),
            result.state());
        return;
      }
      awaitFinished(cronTask, fire, result);
      activities.pruneHistory(cronTask);
    } catch (RuntimeException e) {
      if (!CancellationScope.current().isCancelRequested()) {
        throw e;
      }
      // Cancelled by the Schedule (concurrencyPolicy Replace): stop this fire's Task on the way
      // out.
      Workflow.newDetachedCancellationScope(() -> activities.replaced(fire)).run();
      throw e;
    }
  }

  /**
   * Waits for the Task to finish: the Task's workflow signals, and a timer that doubles from one
   * minute to half an hour re-checks in case a signal was lost. A Task that runs for days would
   * grow the history without bound, so past {@link #HISTORY_BOUND} events the run continues as new
   * with the fire and its Task (a signal that arrives meanwhile is made up by the first recheck).
   */
  private void awaitFinished(CronTaskRef cronTask, CronTaskFire fire, FireResult result) {
    Duration recheck = FIRST_RECHECK;
    while (true) {
      boolean signalled = awaitOrTimeout(recheck, () -> taskFinishedSignalled);
      taskFinishedSignalled = false;
      if (activities.taskFinished(cronTask, result.taskName(), result.taskUid())) {
        return;
      }
      recheck = signalled ? FIRST_RECHECK : nextRecheck(recheck);
      if (Workflow.getInfo().getHistoryLength() > HISTORY_BOUND
          // Runs from before the bound must replay as they ran: they never continued as new.
          && Workflow.getVersion(CONTINUE_AS_NEW, Workflow.DEFAULT_VERSION, 1) == 1) {
        log.info(
            "Run of {}/{} for Task {}: history of {} events, continuing as new",
            cronTask.namespace(),
            cronTask.name(),
            result.taskName(),
            Workflow.getInfo().getHistoryLength());
        Workflow.continueAsNew(cronTask, new CronTaskRunContinuation(fire, result));
      }
    }
  }

  /** The fire's scheduled time; a workflow not started by a Schedule uses its start time. */
  private static long scheduledAtEpochSeconds() {
    OffsetDateTime scheduled = Workflow.getTypedSearchAttributes().get(SCHEDULED_START_TIME);
    return scheduled != null
        ? scheduled.toEpochSecond()
        : Math.floorDiv(Workflow.currentTimeMillis(), 1000L);
  }

  @Override
  public void taskFinished() {
    taskFinishedSignalled = true;
  }
}
