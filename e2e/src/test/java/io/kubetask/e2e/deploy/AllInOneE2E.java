package io.kubetask.e2e.deploy;

import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.AgentSpecs;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The all-in-one mode (docker-compose and small installs): one process of app/target/kubetask.jar
 * runs a Task end to end, serves the operator's and the worker's metrics on one port, and stops
 * cleanly on SIGTERM. It acts as the stack's admin, as in docker-compose.
 */
@Tag("deploy")
class AllInOneE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  @Test
  void oneProcessRunsATaskAndReportsBothParts() {
    NS.awaitDefaultServiceAccount();
    var process =
        KubeTaskProcess.start(
            NS.stack(),
            "all-in-one",
            KubeTaskProcess.owning(
                "kubetask-aio-" + UUID.randomUUID().toString().substring(0, 8), NS.name()));
    try {
      assertThat(process.get("/readyz").body())
          .isEqualTo("temporal: ok\nworker: ok\noperator: ok\n");
      NS.client()
          .resource(new Agent(NS.name(), "echo", AgentSpecs.image("example.com/echo:1").build()))
          .create();
      Context context = Context.file(FileContext.inline("/workspace/task.md", "All in one."));
      NS.client()
          .resource(new Task(NS.name(), "solo", new TaskSpec(List.of(context), "echo")))
          .create();

      await("Task solo Completed")
          .atMost(TIMEOUT)
          .until(
              () -> {
                Task t =
                    NS.client().resources(Task.class).inNamespace(NS.name()).withName("solo").get();
                return t != null
                    && t.getStatus() != null
                    && t.getStatus().phase() == TaskPhase.COMPLETED;
              });
      await("both parts' metrics on one endpoint")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                PrometheusText metrics = process.metrics();
                assertThat(metrics.value("kubetask_tasks_finished_total", "outcome", "succeeded"))
                    .isEqualTo(1);
                assertThat(metrics.value("kubetask_tasks", "phase", "Completed")).isEqualTo(1);
                assertThat(
                        metrics.value(
                            "kubetask_reconcile_total",
                            "controller",
                            "task",
                            "operation",
                            "reconcile",
                            "result",
                            "success"))
                    .isPositive();
                assertThat(metrics.names())
                    .contains("kubetask_crontask_fires_total", "temporal_request_total");
              });

      // Deleted while it runs, so its finalizer is removed.
      NS.client().resources(Task.class).inNamespace(NS.name()).withName("solo").delete();
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  NS.client().resources(Task.class).inNamespace(NS.name()).withName("solo").get()
                      == null);
    } finally {
      assertThat(process.stop()).as("ends within 30 s of SIGTERM").isTrue();
    }
    assertThat(process.log())
        .contains("KubeTask worker polling", "KubeTask operator started", "is shutting down");
  }
}
