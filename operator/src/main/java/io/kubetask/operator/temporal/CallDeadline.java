package io.kubetask.operator.temporal;

import io.grpc.Context;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs Temporal client calls under a gRPC deadline. The SDK otherwise retries an unreachable server
 * for up to a minute per call. The operator reconciles one event of a resource at a time, so a call
 * that hangs there holds up the resource's other events too, its deletion included; with a bound,
 * the reconciliation fails, is retried with back-off, and a finalizer decides in time whether it
 * has waited long enough (see {@link FinalizerDeadline}).
 */
public final class CallDeadline {
  /** How long one call of the operator to Temporal may take, retries included. */
  public static final Duration CALL = Duration.ofSeconds(10);

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "kubetask-temporal-deadlines");
            thread.setDaemon(true);
            return thread;
          });

  private CallDeadline() {}

  /**
   * Runs {@code call}; its Temporal calls fail with DEADLINE_EXCEEDED once {@code limit} passed.
   */
  public static void within(Duration limit, Runnable call) {
    within(
        limit,
        () -> {
          call.run();
          return null;
        });
  }

  /** {@link #within(Duration, Runnable)} for a call with a result. */
  public static <T> T within(Duration limit, Supplier<T> call) {
    Context.CancellableContext context =
        Context.current().withDeadlineAfter(limit.toMillis(), TimeUnit.MILLISECONDS, TIMER);
    try {
      AtomicReference<T> result = new AtomicReference<>();
      context.run(() -> result.set(call.get()));
      return result.get();
    } finally {
      context.cancel(null);
    }
  }
}
