package io.kubetask.operator.temporal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kubetask.workflows.k8s.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a finalizer waits for Temporal. Deleting a Task or CronTask asks Temporal to cancel its
 * workflows or Schedule; while Temporal cannot be reached the finalizer tries again, and once the
 * object has waited {@code bound} since its deletion it lets it go with a Warning Event, so that
 * {@code kubectl delete} and namespace deletion never hang on Temporal. What was left in Temporal
 * ends by itself: a Task's workflow finds its Task gone the next time it wakes, and a CronTask's
 * Schedule is removed by the operator's sweep for orphaned Schedules once Temporal answers again.
 *
 * @param bound how long after its deletion an object may wait for Temporal ({@code
 *     KUBETASK_FINALIZER_TIMEOUT_SECONDS})
 * @param clock the time
 */
public record FinalizerDeadline(Duration bound, Clock clock) {
  public static final String TEMPORAL_UNREACHABLE = "TemporalUnreachable";

  private static final Logger log = LoggerFactory.getLogger(FinalizerDeadline.class);

  /** Where the Warning Event goes. */
  @FunctionalInterface
  public interface Warnings {
    void warning(HasMetadata object, String reason, String message);
  }

  /**
   * What the finalizer does after Temporal failed it: try again soon, or, past the bound, remove
   * the finalizer with a Warning Event.
   *
   * @param what what the finalizer tried, e.g. "cancel workflow task/a/b/uid"
   * @param leftBehind what happens to what Temporal still holds, for the Event
   */
  public <R extends HasMetadata> DeleteControl afterFailure(
      R object, RuntimeException failure, String what, String leftBehind, Warnings warnings) {
    Instant now = clock.instant();
    Instant deleting =
        Objects.requireNonNullElse(Times.instant(object.getMetadata().getDeletionTimestamp()), now);
    Duration waited = Duration.between(deleting, now);
    if (waited.compareTo(bound) >= 0) {
      warnings.warning(
          object,
          TEMPORAL_UNREACHABLE,
          "Could not "
              + what
              + " within "
              + bound.toSeconds()
              + "s of the deletion ("
              + failure.getMessage()
              + "); deleted without it: "
              + leftBehind);
      return DeleteControl.defaultDelete();
    }
    log.warn("Could not {} ({}); trying again", what, failure.getMessage());
    Duration left = bound.minus(waited);
    return DeleteControl.noFinalizerRemoval()
        .rescheduleAfter(left.compareTo(RETRY) < 0 ? left : RETRY);
  }

  private static final Duration RETRY = Duration.ofSeconds(5);
}
