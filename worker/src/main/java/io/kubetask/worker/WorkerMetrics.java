package io.kubetask.worker;

import io.kubetask.workflows.support.ActivityMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The worker's metrics, counted where the cluster changes:
 *
 * <ul>
 *   <li>{@code kubetask_tasks_finished_total{outcome}}: Tasks that reached Completed ({@code
 *       succeeded}) or Failed ({@code failed})
 *   <li>{@code kubetask_task_run_duration_seconds{outcome}}: from a Task's startTime to its
 *       completionTime, for Tasks whose agent started
 *   <li>{@code kubetask_task_queued_duration_seconds}: how long Tasks waited Queued for a slot,
 *       taken when they get it
 *   <li>{@code kubetask_crontask_fires_total{outcome="created"}}: fires that created their Task
 * </ul>
 */
public final class WorkerMetrics implements ActivityMetrics {
  private static final Duration[] RUN_BUCKETS = {
    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
    Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30),
    Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8),
    Duration.ofHours(24)
  };

  private static final Duration[] QUEUED_BUCKETS = {
    Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
    Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
    Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(24)
  };

  private final Counter succeeded;
  private final Counter failed;
  private final Timer succeededRuns;
  private final Timer failedRuns;
  private final Counter firesCreated;
  private final Counter firesSkipped;
  private final Counter firesMissed;
  private final Timer queued;

  public WorkerMetrics(MeterRegistry registry) {
    succeeded = finished(registry, "succeeded");
    failed = finished(registry, "failed");
    succeededRuns = runs(registry, "succeeded");
    failedRuns = runs(registry, "failed");
    firesCreated = fires(registry, "created");
    // Fires the worker skipped when they came (the operator counts the Schedule's own skips).
    firesSkipped = fires(registry, "skipped");
    // Fires that came past their start deadline (the operator counts those the Schedule missed).
    firesMissed = fires(registry, "missed");
    queued =
        Timer.builder("kubetask.task.queued.duration")
            .description("How long Tasks waited Queued for a slot")
            .serviceLevelObjectives(QUEUED_BUCKETS)
            .register(registry);
  }

  private static Counter fires(MeterRegistry registry, String outcome) {
    return Counter.builder("kubetask.crontask.fires")
        .description("CronTask fires by outcome: created, skipped or missed")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Counter finished(MeterRegistry registry, String outcome) {
    return Counter.builder("kubetask.tasks.finished")
        .description("Tasks that reached Completed (succeeded) or Failed (failed)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Timer runs(MeterRegistry registry, String outcome) {
    return Timer.builder("kubetask.task.run.duration")
        .description("From a Task's startTime to its completionTime")
        .tag("outcome", outcome)
        .serviceLevelObjectives(RUN_BUCKETS)
        .register(registry);
  }

  @Override
  public void taskFinished(boolean success, Duration runTime) {
    (success ? succeeded : failed).increment();
    if (runTime != null) {
      (success ? succeededRuns : failedRuns).record(runTime);
    }
  }

  @Override
  public void taskLeftQueue(Duration waited) {
    queued.record(waited);
  }

  @Override
  public void cronTaskFireCreated() {
    firesCreated.increment();
  }

  @Override
  public void cronTaskFireSkipped() {
    firesSkipped.increment();
  }

  @Override
  public void cronTaskFireMissed() {
    firesMissed.increment();
  }
}
