package io.kubetask.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.monitoring.Metrics.ControllerExecution;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.schedules.ScheduleInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  @Test
  void countsAndTimesReconciliationsByResult() throws Exception {
    metrics.timeControllerExecution(execution("task", "reconcile", null));
    metrics.timeControllerExecution(execution("task", "reconcile", null));
    assertThatThrownBy(
            () ->
                metrics.timeControllerExecution(
                    execution("task", "reconcile", new Exception("boom"))))
        .hasMessage("boom");
    metrics.timeControllerExecution(execution("crontask", "cleanup", null));

    assertThat(reconciles("task", "reconcile", "success")).isEqualTo(2);
    assertThat(reconciles("task", "reconcile", "error")).isEqualTo(1);
    assertThat(reconciles("crontask", "cleanup", "success")).isEqualTo(1);
    assertThat(
            registry
                .get("kubetask.reconcile.duration")
                .tags("controller", "task", "operation", "reconcile")
                .timer()
                .count())
        .isEqualTo(3);
  }

  @Test
  void keepsTasksByTheirLastReconciledPhase() {
    metrics.reconcileCustomResource(task("a", null), null, Map.of());
    metrics.reconcileCustomResource(task("b", "Running"), null, Map.of());
    metrics.reconcileCustomResource(task("c", "Running"), null, Map.of());
    metrics.reconcileCustomResource(task("a", "Completed"), null, Map.of());
    assertThat(tasks("New")).isZero();
    assertThat(tasks("Running")).isEqualTo(2);
    assertThat(tasks("Completed")).isEqualTo(1);

    metrics.cleanupDoneFor(
        new ResourceID("b", "team-a"), Map.of(Constants.CONTROLLER_NAME, "task"));
    metrics.cleanupDoneFor(
        new ResourceID("c", "team-a"), Map.of(Constants.CONTROLLER_NAME, "crontask"));

    assertThat(tasks("Running")).as("a CronTask of the same name is another object").isEqualTo(1);
    assertThat(tasks("Failed")).isZero();
  }

  @Test
  void countsQueuedTasksByNamespaceAndAgent() {
    metrics.reconcileCustomResource(task("a", "Queued"), null, Map.of());
    metrics.reconcileCustomResource(task("b", "Queued"), null, Map.of());
    metrics.reconcileCustomResource(task("c", "Running"), null, Map.of());
    assertThat(queued()).isEqualTo(2);
    assertThat(tasks("Queued")).isEqualTo(2);

    metrics.reconcileCustomResource(task("a", "Running"), null, Map.of());
    metrics.cleanupDoneFor(
        new ResourceID("b", "team-a"), Map.of(Constants.CONTROLLER_NAME, "task"));
    assertThat(queued()).isZero();
  }

  private double queued() {
    return registry
        .get("kubetask.tasks.queued")
        .tags("namespace", "team-a", "agent", "default")
        .gauge()
        .value();
  }

  @Test
  void countsTheGrowthOfEachSchedulesCounters() {
    CronTask nightly = cronTask("nightly", "{}");
    metrics.observed(nightly, info(0, 0));
    metrics.observed(nightly, info(2, 1));
    // A stale cached status of 0 does not count the same fires twice.
    metrics.observed(nightly, info(2, 1));
    metrics.observed(nightly, info(3, 1));
    assertThat(fires("skipped")).isEqualTo(3);
    assertThat(fires("missed")).isEqualTo(1);

    // A Schedule that was re-created counts from zero again.
    metrics.observed(nightly, info(1, 0));
    assertThat(fires("skipped")).isEqualTo(4);
    assertThat(fires("missed")).isEqualTo(1);
  }

  @Test
  void afterARestartTheStatusSaysWhatWasCounted() {
    metrics.observed(cronTask("nightly", "{\"skippedFires\":3,\"missedFires\":1}"), info(4, 1));

    assertThat(fires("skipped")).isEqualTo(1);
    assertThat(fires("missed")).isZero();
  }

  private double reconciles(String controller, String operation, String result) {
    return registry
        .get("kubetask.reconcile")
        .tags("controller", controller, "operation", operation, "result", result)
        .counter()
        .count();
  }

  private double tasks(String phase) {
    return registry.get("kubetask.tasks").tag("phase", phase).gauge().value();
  }

  private double fires(String outcome) {
    return registry.get("kubetask.crontask.fires").tag("outcome", outcome).counter().count();
  }

  private static Task task(String name, String phase) {
    var task = new Task("team-a", name, new TaskSpec(List.of(), null));
    if (phase != null) {
      task.setStatus(Serialization.unmarshal("{\"phase\":\"" + phase + "\"}", TaskStatus.class));
    }
    return task;
  }

  private static CronTask cronTask(String name, String statusJson) {
    var cronTask = new CronTask();
    cronTask.getMetadata().setName(name);
    cronTask.getMetadata().setNamespace("team-a");
    cronTask.setStatus(Serialization.unmarshal(statusJson, CronTaskStatus.class));
    return cronTask;
  }

  private static ScheduleInfo info(long skipped, long missed) {
    return new ScheduleInfo(0, missed, skipped, List.of(), List.of(), List.of(), null, null);
  }

  private static ControllerExecution<Object> execution(
      String controller, String operation, Exception failure) {
    return new ControllerExecution<>() {
      @Override
      public String name() {
        return operation;
      }

      @Override
      public String controllerName() {
        return controller;
      }

      @Override
      public String successTypeName(Object result) {
        return "resource";
      }

      @Override
      public ResourceID resourceID() {
        return new ResourceID("x", "team-a");
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public Object execute() throws Exception {
        if (failure != null) {
          throw failure;
        }
        return "done";
      }
    };
  }
}
