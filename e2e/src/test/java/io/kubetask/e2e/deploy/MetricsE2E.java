package io.kubetask.e2e.deploy;

import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.PrometheusText;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator and the worker as installed: two processes of app/target/kubetask.jar, each acting
 * as its ServiceAccount of deploy/, on a task queue of their own. After a few Tasks ran (one fails,
 * one comes from a CronTask), their /metrics are scraped and parsed, their health endpoints asked,
 * and their logs read for the resource names. The operator's gauge of Tasks by phase counts the
 * Tasks of the watched namespaces, so the metrics test runs first, while only its Tasks exist.
 */
@Tag("deploy")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final String REQUESTS = "kubetask_kubernetes_requests_total";
  private static final Context COUNT_ME = TaskWorld.inline("/workspace/task.md", "Count me.");

  private static TaskWorld world;
  private static TaskWorld shortLived;
  private static KubeTaskProcess worker;
  private static KubeTaskProcess operator;

  @BeforeAll
  static void start() {
    DeployRbac.apply(NS.stack());
    NS.awaitDefaultServiceAccount();
    world = new TaskWorld(NS.client(), NS.name(), TIMEOUT);
    shortLived = new TaskWorld(NS.client(), NS.another("ttl"), TIMEOUT);
    NS.awaitDefaultServiceAccount(shortLived.ns());
    Map<String, String> settings =
        KubeTaskProcess.owning(
            "kubetask-metrics-" + UUID.randomUUID().toString().substring(0, 8),
            NS.name(),
            shortLived.ns());
    worker = KubeTaskProcess.jar(NS.stack(), "worker", as(DeployRbac.WORKER, settings)).start();
    operator =
        KubeTaskProcess.jar(NS.stack(), "operator", as(DeployRbac.OPERATOR, settings)).start();
  }

  @AfterAll
  static void stop() {
    try {
      // While the operator still runs, so it removes the finalizers.
      TaskWorld.deleteAllAndAwaitGone(NS.client(), TIMEOUT, NS.name(), shortLived.ns());
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (worker != null) {
        worker.close();
      }
    }
  }

  @Test
  @Order(1)
  void theMetricsEndpointsCountWhatRan() {
    KubernetesClient client = NS.client();
    PrometheusText w0 = worker.metrics();
    // Runs long enough that its run time, in the whole seconds Task status carries, is not zero.
    world.agent("echo", AgentSpecs.image("example.com/echo:1").runs("2s"));
    world.agent("failing", AgentSpecs.image("example.com/echo:1").fails(2));
    world.create("works", "echo", COUNT_ME);
    world.create("breaks", "failing", COUNT_ME);
    // Fires once at once (run-now), and else at 03:00.
    client
        .resource(
            """
            apiVersion: kubetask.io/v1alpha1
            kind: CronTask
            metadata:
              name: nightly
              annotations:
                kubetask.io/run-now: "true"
            spec:
              schedule: "0 3 * * *"
              taskTemplate:
                spec:
                  agentRef: echo
                  contexts:
                    - type: File
                      file:
                        filePath: /workspace/task.md
                        source:
                          inline: Count me.
            """)
        .inNamespace(NS.name())
        .create();

    await("three finished Tasks").atMost(TIMEOUT).until(() -> finished(NS.name()) == 3);
    await("the metrics")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              // Counted since this test began.
              PrometheusText w = worker.metrics();
              assertThat(w.delta(w0, "kubetask_tasks_finished_total", "outcome", "succeeded"))
                  .isEqualTo(2);
              assertThat(w.delta(w0, "kubetask_tasks_finished_total", "outcome", "failed"))
                  .isEqualTo(1);
              // One Job created per Task, as the API server answered it.
              assertThat(w.delta(w0, REQUESTS, "resource", "jobs", "verb", "create", "code", "201"))
                  .isEqualTo(3);
              assertThat(
                      w.delta(
                          w0, "kubetask_task_run_duration_seconds_count", "outcome", "succeeded"))
                  .isEqualTo(2);
              assertThat(
                      w.delta(w0, "kubetask_task_run_duration_seconds_sum", "outcome", "succeeded"))
                  .isPositive();
              assertThat(
                      w.delta(
                          w0,
                          "kubetask_task_run_duration_seconds_bucket",
                          "outcome",
                          "failed",
                          "le",
                          "+Inf"))
                  .isEqualTo(1);
              assertThat(w.delta(w0, "kubetask_crontask_fires_total", "outcome", "created"))
                  .isEqualTo(1);
              // Task activities are local activities; a CronTask fire's are regular ones.
              assertThat(w.sum("temporal_local_activity_execution_latency_seconds_count", Map.of()))
                  .isPositive();
              assertThat(w.sum("temporal_activity_execution_latency_seconds_count", Map.of()))
                  .isPositive();
              assertThat(w.names()).doesNotContain("kubetask_reconcile_total", "kubetask_tasks");

              PrometheusText o = operator.metrics();
              assertThat(o.reconciles("task", "success")).isGreaterThanOrEqualTo(3);
              assertThat(o.reconciles("task", "error")).isZero();
              assertThat(o.reconciles("crontask", "success")).isPositive();
              assertThat(
                      o.value(
                          "kubetask_reconcile_duration_seconds_count",
                          "controller",
                          "task",
                          "operation",
                          "reconcile"))
                  .isGreaterThanOrEqualTo(3);
              // The operator's informers list and watch the Tasks; the client counts both.
              assertThat(o.sum(REQUESTS, Map.of("resource", "tasks", "verb", "list"))).isPositive();
              assertThat(o.sum(REQUESTS, Map.of("resource", "tasks", "verb", "watch")))
                  .isPositive();
              assertThat(o.value("kubetask_tasks", "phase", "Completed")).isEqualTo(2);
              assertThat(o.value("kubetask_tasks", "phase", "Failed")).isEqualTo(1);
              assertThat(o.value("kubetask_tasks", "phase", "Running")).isZero();
              assertThat(o.value("kubetask_crontask_fires_total", "outcome", "skipped")).isZero();
              assertThat(o.value("kubetask_crontask_fires_total", "outcome", "missed")).isZero();
              assertThat(
                      o.sum(
                              "temporal_request_total",
                              Map.of("operation", "SignalWithStartWorkflowExecution"))
                          + o.sum(
                              "temporal_request_total",
                              Map.of("operation", "StartWorkflowExecution")))
                  .isPositive();
              assertThat(o.names())
                  .doesNotContain("kubetask_tasks_finished_total")
                  .contains("jvm_memory_used_bytes");
            });
  }

  @Test
  @Order(2)
  void healthAndReadinessAnswer() {
    for (KubeTaskProcess process : List.of(worker, operator)) {
      assertThat(process.get("/healthz")).isEqualTo(new KubeTaskProcess.Response(200, "ok\n"));
      assertThat(process.get("/readyz").status()).isEqualTo(200);
    }
    assertThat(worker.get("/readyz").body()).isEqualTo("temporal: ok\nworker: ok\n");
    assertThat(operator.get("/readyz").body()).isEqualTo("temporal: ok\noperator: ok\n");
  }

  @Test
  @Order(3)
  void logLinesNameTheirTask() {
    shortLived.ttl(1);
    shortLived.create("short-lived", null, COUNT_ME);

    String resource = shortLived.ns() + "/short-lived - ";
    await("the worker deletes the Task when its TTL of 1 s expires, and says so")
        .atMost(TIMEOUT)
        .until(() -> worker.log().contains(resource + "Deleting Task"));
    await("the operator sees the Task deleted, and says so")
        .atMost(TIMEOUT)
        .until(() -> operator.log().contains(resource + "Task deleted"));
  }

  private static Map<String, String> as(String serviceAccount, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(DeployRbac.impersonationEnv(serviceAccount));
    return env;
  }

  private static long finished(String namespace) {
    return NS.client().resources(Task.class).inNamespace(namespace).list().getItems().stream()
        .filter(
            t ->
                t.getStatus() != null
                    && t.getStatus().phase() != null
                    && t.getStatus().phase().isFinished())
        .count();
  }
}
