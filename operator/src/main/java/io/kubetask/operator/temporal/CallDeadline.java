package io.kubetask.operator.temporal;

import io.grpc.Context;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs Temporal client calls under a gRPC deadline. The SDK otherwise retries an unreachable server
 * for up to a minute per call; a finalizer that waits for Temporal must come back sooner, to decide
 * whether it has waited long enough (see {@link FinalizerDeadline}).
 */
public final class CallDeadline {
  /** How long one call to Temporal from a finalizer may take, retries included. */
  public static final Duration FINALIZER_CALL = Duration.ofSeconds(10);

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
    Context.CancellableContext context =
        Context.current().withDeadlineAfter(limit.toMillis(), TimeUnit.MILLISECONDS, TIMER);
    try {
      context.run(call);
    } finally {
      context.cancel(null);
    }
  }
}
