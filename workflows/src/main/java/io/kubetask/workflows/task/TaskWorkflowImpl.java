package io.kubetask.workflows.task;

import static io.kubetask.workflows.support.Waits.FIRST_RECHECK;
import static io.kubetask.workflows.support.Waits.awaitOrTimeout;
import static io.kubetask.workflows.support.Waits.nextRecheck;

import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.support.Waits;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The life of one Task. Waiting costs almost nothing: the operator signals when something changes,
 * and the timers that guard against a lost signal double from one minute up to half an hour.
 */
public class TaskWorkflowImpl implements TaskWorkflow {
  private static final Logger log = Workflow.getLogger(TaskWorkflowImpl.class);

  /**
   * The workflow's version, one marker for every change since it was released (each change adds a
   * version, so a run records one marker only): {@link Workflow#DEFAULT_VERSION} ran regular
   * activities; 1 made them local; 2 continues a long history as new ({@link #freshRunIfLong}); 3
   * keeps the re-check timer of a running Job across signals ({@link Waits.Recheck}); 4 wakes a
   * Task queued under a start rate when its turn comes ({@link StartResult#retryAtEpochMillis}); 5
   * has the look that finds the Job finished also finish the Task, in one status write (no Finish
   * activity after it).
   */
  static final String VERSION = "local-activities";

  static final int LOCAL_ACTIVITIES = 1;
  static final int CONTINUE_AS_NEW = 2;
  static final int KEEP_RECHECK_TIMER = 3;
  static final int RATE_WAKE_UP = 4;
  static final int FINISH_ON_OBSERVE = 5;

  /**
   * The history length past which a waiting workflow continues as new: well below Temporal's
   * limits, so a Task blocked or running for weeks never meets them.
   */
  static final int HISTORY_BOUND = 400;

  private TaskActivities activities;
  private boolean continuesAsNew;
  private boolean keepsRecheckTimer;
  private boolean wakesForRate;
  private boolean finishesOnObserve;

  private boolean jobChanged;
  private boolean dependenciesChanged;
  private boolean released;
  private boolean configChanged;
  private String stopReason;

  @Override
  public void run(TaskRef task) {
    int version = Workflow.getVersion(VERSION, Workflow.DEFAULT_VERSION, FINISH_ON_OBSERVE);
    activities = activityStub(version);
    // Earlier runs could meet their own long histories at other points on replay.
    continuesAsNew = version >= CONTINUE_AS_NEW;
    keepsRecheckTimer = version >= KEEP_RECHECK_TIMER;
    wakesForRate = version >= RATE_WAKE_UP;
    finishesOnObserve = version >= FINISH_ON_OBSERVE;
    StartResult start = startWhenReady(task);
    switch (start.state()) {
      case GONE -> {
        return;
      }
      case FINISHED -> {
        notifyCronTaskRun(start.cronTaskRun());
        configChanged = false;
        awaitExpiry(task, activities.refreshExpiry(task));
      }
      case INVALID -> finish(task, start.outcome(), null, start.cronTaskRun());
      case BLOCKED -> finish(task, stopped(), null, start.cronTaskRun()); // stopped while blocked
      case STARTED -> {
        JobObservation end = runJob(task, start);
        finish(task, end.outcome(), end.expiry(), start.cronTaskRun());
      }
    }
  }

  /**
   * The activities are Kubernetes API calls of a few milliseconds: local activities. Workflows
   * started before they were keep regular activities, so that their histories still replay.
   */
  private static TaskActivities activityStub(int version) {
    if (version < LOCAL_ACTIVITIES) {
      return Workflow.newActivityStub(TaskActivities.class, Waits.clusterActivities().build());
    }
    return Workflow.newLocalActivityStub(
        TaskActivities.class, Waits.clusterLocalActivities().build());
  }

  /** Starts the Task, waiting for a missing Agent or ConfigMap as long as it takes. */
  private StartResult startWhenReady(TaskRef task) {
    Duration recheck = FIRST_RECHECK;
    while (true) {
      freshRunIfLong(task);
      dependenciesChanged = false;
      StartResult start = activities.start(task, agentNamed());
      if (start.state() != StartResult.State.BLOCKED) {
        return start;
      }
      boolean signalled =
          awaitOrTimeout(wait(start, recheck), () -> dependenciesChanged || stopReason != null);
      if (stopReason != null) {
        return start;
      }
      recheck = signalled ? FIRST_RECHECK : nextRecheck(recheck);
    }
  }

  /**
   * The Agent the operator saw the Task name when it started this workflow (its search attribute),
   * or null when it set none: the start reads it beside the Task. Reading it changes no command, so
   * histories recorded before replay as they were.
   */
  private static String agentNamed() {
    return Workflow.getTypedSearchAttributes().get(SearchAttributes.AGENT);
  }

  /**
   * How long a Task that cannot start waits before it looks again unless told: the re-check, or
   * less when a start rate says when its turn comes.
   */
  private Duration wait(StartResult start, Duration recheck) {
    if (!wakesForRate || start.retryAtEpochMillis() <= 0) {
      return recheck;
    }
    long left = start.retryAtEpochMillis() - Workflow.currentTimeMillis();
    return shorter(recheck, Duration.ofMillis(Math.max(left, 1000)));
  }

  /**
   * Waits for the Job to finish, holding the keep-alive window when the Agent asks for one: the
   * FINISHED observation, with the Task's expiry when that look finished the Task too.
   */
  private JobObservation runJob(TaskRef task, StartResult start) {
    Waits.Recheck recheckTimer = new Waits.Recheck();
    JobObservation end = runJob(task, start, recheckTimer);
    // Nothing is waited for any more; a pending re-check would only wake the workflow later. (Not
    // in a finally block: a workflow thread that is continued as new or evicted must not cancel.)
    recheckTimer.cancel();
    return end;
  }

  private JobObservation runJob(TaskRef task, StartResult start, Waits.Recheck recheckTimer) {
    String job = start.jobName();
    if (start.jobCreated()) {
      // A Job created just now has nothing to report: the first look waits for the operator's
      // jobChanged (or the re-check). One found from an earlier attempt is looked at at once.
      await(recheckTimer, FIRST_RECHECK, () -> jobChanged || stopReason != null);
      if (stopReason != null) {
        return stopJob(task, job, stopped());
      }
    }
    KeepAliveWindow window = KeepAliveWindow.notOpened(start.keepAliveSeconds());
    Duration recheck = FIRST_RECHECK;
    while (true) {
      if (!window.opened() && !released) {
        freshRunIfLong(task);
      }
      jobChanged = false;
      // Cleared before the look, which may finish the Task and read its TTL from the config.
      configChanged = false;
      JobObservation seen = activities.observeJob(task, job, window.enabled(), finishesOnObserve);
      if (seen.state() == JobObservation.State.FINISHED) {
        return seen;
      }
      // The clock is read where each decision is made: the workflow's time moves on while an
      // activity runs.
      if (window.opensOn(seen)) {
        window = window.open(seen, Workflow.currentTimeMillis());
        activities.windowOpened(task, window.closesAtEpochMillis());
      }
      if (window.mustRelease(released, Workflow.currentTimeMillis())) {
        activities.releasePod(task, job);
        window = window.withPodReleased();
      }
      JobObservation.Deadline deadline = seen.deadline();
      if (deadline != null && deadline.passed(Workflow.currentTimeMillis())) {
        // The agent never started, or ran past its timeout: stop it, and say which.
        return stopJob(task, job, deadline.outcome());
      }
      boolean open = window.holdsPod();
      Duration wait = window.nextWakeUp(recheck, Workflow.currentTimeMillis());
      if (deadline != null) {
        wait = shorter(wait, deadline.left(Workflow.currentTimeMillis()));
      }
      boolean signalled =
          await(recheckTimer, wait, () -> jobChanged || stopReason != null || (open && released));
      if (stopReason != null) {
        return stopJob(task, job, stopped());
      }
      recheck = signalled ? FIRST_RECHECK : nextRecheck(recheck);
    }
  }

  /**
   * Waits on the kept re-check timer, or (in runs started before it existed) on a timer of its own
   * that a signal cancels.
   */
  private boolean await(Waits.Recheck recheckTimer, Duration timeout, Supplier<Boolean> condition) {
    return keepsRecheckTimer
        ? recheckTimer.await(timeout, condition)
        : awaitOrTimeout(timeout, condition);
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Deletes the Job (and so the agent) and ends the Task with {@code outcome}. */
  private JobObservation stopJob(TaskRef task, String job, Outcome outcome) {
    activities.deleteJob(task, job);
    return JobObservation.finished(outcome);
  }

  /**
   * Ends the Task with {@code outcome}, unless {@code expiry} says the look at its Job did already,
   * and deletes it when it expires.
   */
  private void finish(TaskRef task, Outcome outcome, Expiry expiry, String cronTaskRun) {
    log.info("Task {}/{} finished: {}", task.namespace(), task.name(), outcome.reason());
    if (expiry == null) {
      // Cleared before the activity reads the config, so a change made meanwhile is not lost.
      configChanged = false;
      expiry = activities.finish(task, outcome);
    }
    notifyCronTaskRun(cronTaskRun);
    awaitExpiry(task, expiry);
  }

  /**
   * Deletes the Task when its TTL expires. A changed KubeTaskConfig moves the deadline; with
   * cleanup disabled the workflow ends, and the operator starts it again if cleanup is enabled
   * later.
   */
  private void awaitExpiry(TaskRef task, Expiry expiry) {
    while (expiry.present() && !expiry.disabled()) {
      freshRunIfLong(task);
      long left = expiry.expiresAtEpochMillis() - Workflow.currentTimeMillis();
      if (left <= 0) {
        activities.deleteTask(task);
        return;
      }
      if (awaitOrTimeout(Duration.ofMillis(left), () -> configChanged)) {
        configChanged = false;
        expiry = activities.refreshExpiry(task);
      }
    }
  }

  /**
   * Continues as new once the history has grown past {@link #HISTORY_BOUND}: the next run starts
   * from the Task alone, as a re-created workflow does, and the CRs hold all it needs (a Job is
   * adopted as it is, a finished Task only waits for its TTL). Called where nothing a signal said
   * is still to be acted on; what it said is read again from the CRs by the next run.
   */
  private void freshRunIfLong(TaskRef task) {
    if (continuesAsNew
        && stopReason == null
        && Workflow.getInfo().getHistoryLength() > HISTORY_BOUND) {
      log.info(
          "Task {}/{}: history of {} events, continuing as new",
          task.namespace(),
          task.name(),
          Workflow.getInfo().getHistoryLength());
      Workflow.continueAsNew(task);
    }
  }

  private void notifyCronTaskRun(String runWorkflowId) {
    if (runWorkflowId == null) {
      return;
    }
    try {
      Workflow.newExternalWorkflowStub(CronTaskRunWorkflow.class, runWorkflowId).taskFinished();
    } catch (CanceledFailure e) {
      throw e;
    } catch (RuntimeException e) {
      // The run workflow is gone (for example replaced): nobody is waiting any more.
      log.info("CronTask run {} did not take the signal: {}", runWorkflowId, e.getMessage());
    }
  }

  private Outcome stopped() {
    return StopRequests.outcome(stopReason);
  }

  @Override
  public void jobChanged() {
    jobChanged = true;
  }

  @Override
  public void dependenciesChanged() {
    dependenciesChanged = true;
  }

  @Override
  public void release() {
    released = true;
  }

  @Override
  public void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason == null || reason.isBlank() ? Conditions.STOPPED : reason;
    }
  }

  @Override
  public void configChanged() {
    configChanged = true;
  }
}
