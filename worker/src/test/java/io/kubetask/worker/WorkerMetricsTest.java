package io.kubetask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WorkerMetrics metrics = new WorkerMetrics(registry);

  @Test
  void timesTheWaitOfQueuedTasks() {
    metrics.taskLeftQueue(Duration.ofSeconds(40));
    metrics.taskLeftQueue(Duration.ofMinutes(2));

    var timer = registry.get("kubetask.task.queued.duration").timer();
    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(160.0);
  }

  @Test
  void countsFinishedTasksAndTheirRunTimes() {
    metrics.taskFinished(true, Duration.ofMinutes(2));
    metrics.taskFinished(true, Duration.ofMinutes(4));
    metrics.taskFinished(false, null);
    metrics.cronTaskFireCreated();

    assertThat(
            registry.get("kubetask.tasks.finished").tag("outcome", "succeeded").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("kubetask.tasks.finished").tag("outcome", "failed").counter().count())
        .isEqualTo(1);
    var runs = registry.get("kubetask.task.run.duration").tag("outcome", "succeeded").timer();
    assertThat(runs.count()).isEqualTo(2);
    assertThat(runs.totalTime(TimeUnit.MINUTES)).isEqualTo(6);
    assertThat(registry.get("kubetask.task.run.duration").tag("outcome", "failed").timer().count())
        .as("a Task whose agent never started has no run time")
        .isZero();
    assertThat(registry.get("kubetask.crontask.fires").tag("outcome", "created").counter().count())
        .isEqualTo(1);
  }
}
