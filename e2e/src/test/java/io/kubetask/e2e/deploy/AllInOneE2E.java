package io.kubetask.e2e.deploy;

import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.PrometheusText;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import java.time.Duration;
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
        KubeTaskProcess.jar(
                NS.stack(),
                "all-in-one",
                KubeTaskProcess.owning(
                    "kubetask-aio-" + UUID.randomUUID().toString().substring(0, 8), NS.name()))
            .start();
    try {
      assertThat(process.get("/readyz").body())
          .isEqualTo("temporal: ok\nworker: ok\noperator: ok\n");
      TaskWorld world = new TaskWorld(NS.client(), NS.name(), TIMEOUT);
      world.agent("echo", AgentSpecs.image("example.com/echo:1"));
      Task solo =
          world.create("solo", "echo", TaskWorld.inline("/workspace/task.md", "All in one."));

      world.awaitPhase(solo, TaskPhase.COMPLETED);
      await("both parts' metrics on one endpoint")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                PrometheusText metrics = process.metrics();
                assertThat(metrics.value("kubetask_tasks_finished_total", "outcome", "succeeded"))
                    .isEqualTo(1);
                assertThat(metrics.value("kubetask_tasks", "phase", "Completed")).isEqualTo(1);
                assertThat(metrics.reconciles("task", "success")).isPositive();
                assertThat(metrics.names())
                    .contains("kubetask_crontask_fires_total", "temporal_request_total");
              });

      // Deleted while it runs, so its finalizer is removed.
      NS.client().resource(solo).delete();
      world.awaitGone(solo, TIMEOUT);
    } finally {
      assertThat(process.stop()).as("ends within 30 s of SIGTERM").isTrue();
    }
    assertThat(process.log())
        .contains("KubeTask worker polling", "KubeTask operator started", "is shutting down");
  }
}
