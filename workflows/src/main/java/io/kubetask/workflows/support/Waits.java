package io.kubetask.workflows.support;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How KubeTask's workflows wait and call the cluster. Waiting for something the operator signals
 * costs almost nothing: a safety re-check, in case a signal was lost, starts at one minute and
 * doubles up to half an hour.
 */
public final class Waits {
  public static final Duration FIRST_RECHECK = Duration.ofMinutes(1);
  public static final Duration MAX_RECHECK = Duration.ofMinutes(30);

  private static final Duration CLUSTER_CALL_TIMEOUT = Duration.ofMinutes(1);
  private static final RetryOptions UNTIL_SUCCESS =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofMinutes(1))
          .build();

  private Waits() {}

  /**
   * Options for activities that call the Kubernetes API. They are retried until they succeed: an
   * API server or worker outage delays a Task but never fails it.
   */
  public static ActivityOptions.Builder clusterActivities() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(CLUSTER_CALL_TIMEOUT)
        .setRetryOptions(UNTIL_SUCCESS);
  }

  /**
   * {@link #clusterActivities()} as local activities: they run inside the workflow task that
   * schedules them, with no activity task of their own, which halves the history and the round
   * trips to Temporal. Right for calls that take milliseconds; long retries wait on a timer.
   */
  public static LocalActivityOptions.Builder clusterLocalActivities() {
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(CLUSTER_CALL_TIMEOUT)
        .setRetryOptions(UNTIL_SUCCESS);
  }

  /** The re-check after {@code recheck} passed without a signal. */
  public static Duration nextRecheck(Duration recheck) {
    Duration doubled = recheck.multipliedBy(2);
    return doubled.compareTo(MAX_RECHECK) <= 0 ? doubled : MAX_RECHECK;
  }

  /**
   * A re-check timer that outlives the waits it serves. A wait ended by a signal leaves it running,
   * and the next wait keeps it unless it needs to wake up sooner: a signal then costs no timer
   * cancelled and none started again (two history events and a Temporal action each). The cost is
   * that a re-check may come a little earlier than the last wait asked for, which only means one
   * look more.
   */
  public static final class Recheck {
    private CancellationScope timer;
    private long dueAtMillis;
    private boolean[] fired = {false};

    /** As {@link #awaitOrTimeout}, on the pending timer when it is due no later than needed. */
    public boolean await(Duration timeout, Supplier<Boolean> condition) {
      if (condition.get()) {
        return true;
      }
      long due = Workflow.currentTimeMillis() + timeout.toMillis();
      if (timer == null || dueAtMillis > due) {
        cancel();
        start(timeout, due);
      }
      boolean[] firedNow = fired;
      Workflow.await(() -> firedNow[0] || condition.get());
      if (firedNow[0]) {
        timer = null;
      }
      return condition.get();
    }

    /** Cancels the pending timer, if any: a timer left behind would wake the workflow later. */
    public void cancel() {
      if (timer != null && !fired[0]) {
        timer.cancel();
      }
      timer = null;
    }

    private void start(Duration timeout, long due) {
      boolean[] firedNow = {false};
      timer = startTimer(timeout, firedNow);
      dueAtMillis = due;
      fired = firedNow;
    }
  }

  /**
   * Waits until the condition holds or the timeout passes, and says whether the condition holds.
   * Unlike {@code Workflow.await(Duration, ...)} it cancels its timer when the condition wins, so a
   * timer left behind never wakes the workflow for nothing.
   */
  public static boolean awaitOrTimeout(Duration timeout, Supplier<Boolean> condition) {
    if (condition.get()) {
      return true;
    }
    boolean[] fired = {false};
    CancellationScope timer = startTimer(timeout, fired);
    Workflow.await(() -> fired[0] || condition.get());
    if (!fired[0]) {
      timer.cancel();
    }
    return condition.get();
  }

  /**
   * Starts a timer in a scope of its own, so that it can be cancelled; {@code fired[0]} becomes
   * true when it fires. The cancelled timer's failure is taken here: a failed promise nobody reads
   * is logged by the SDK as a warning with a stack trace, once for every wait a signal ends.
   */
  private static CancellationScope startTimer(Duration timeout, boolean[] fired) {
    CancellationScope scope =
        Workflow.newCancellationScope(
            () ->
                Workflow.newTimer(timeout)
                    .handle(
                        (v, failure) -> {
                          fired[0] = failure == null;
                          return null;
                        }));
    scope.run();
    return scope;
  }
}
