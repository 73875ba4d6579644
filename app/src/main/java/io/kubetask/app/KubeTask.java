package io.kubetask.app;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import io.javaoperatorsdk.operator.Operator;
import io.kubetask.operator.KubeTaskOperator;
import io.kubetask.operator.OperatorConfig;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.worker.KubeTaskWorker;
import io.kubetask.worker.WorkerConfig;
import io.kubetask.worker.WorkerMetrics;
import io.kubetask.workflows.task.FailedCreates;
import io.kubetask.workflows.temporal.TemporalConnection;
import io.kubetask.workflows.temporal.TemporalSettings;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KubeTask process: {@code java -jar kubetask.jar operator|worker|all-in-one}. Whatever it
 * runs, it serves Prometheus metrics (KubeTask's, the Temporal SDK's and the JVM's) and health
 * endpoints on {@code KUBETASK_HTTP_ADDRESS}.
 */
public final class KubeTask implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeTask.class);
  static final String USAGE =
      "usage: kubetask operator|worker|all-in-one   (or set KUBETASK_MODE); settings come from"
          + " the environment, see the Configuration table of README.md";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final HttpEndpoints http;

  private KubeTask(HttpEndpoints http) {
    this.http = http;
  }

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = AppConfig.from(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("kubetask: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    try {
      KubeTask app = start(config, System.getenv());
      Runtime.getRuntime().addShutdownHook(new Thread(app::close, "kubetask-shutdown"));
    } catch (IOException | RuntimeException e) {
      log.error("KubeTask {} could not start", config.mode().argument(), e);
      System.exit(1);
    }
  }

  /** Starts what {@code config} asks for; {@link #close()} stops it. */
  public static KubeTask start(AppConfig config, Map<String, String> env) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpEndpoints http = new HttpEndpoints(config.httpAddress(), registry::scrape);
    KubeTask app = new KubeTask(http);
    app.resources.push(registry::close);
    app.resources.push(http);
    try {
      app.run(config.mode(), env, registry);
      http.markStarted();
      return app;
    } catch (IOException | RuntimeException e) {
      app.close();
      throw e;
    }
  }

  private void run(Mode mode, Map<String, String> env, PrometheusMeterRegistry registry)
      throws IOException {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    resources.push(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    http.start();
    log.info("Serving /metrics, /healthz and /readyz on port {}", http.port());

    // Operator and worker read the same Temporal settings; one connection serves both.
    TemporalSettings temporal = TemporalSettings.fromEnv(env);
    OperatorConfig operatorConfig = mode.runsOperator() ? OperatorConfig.fromEnv(env) : null;
    WorkerConfig workerConfig = mode.runsWorker() ? WorkerConfig.fromEnv(env) : null;
    Scope temporalMetrics =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
    resources.push(temporalMetrics::close);
    KubernetesClient kubernetes = KubernetesConnection.connect(registry);
    resources.push(kubernetes);
    WorkflowServiceStubs stubs = TemporalConnection.connect(temporal, temporalMetrics);
    resources.push(
        () -> {
          stubs.shutdown();
          stubs.awaitTermination(5, TimeUnit.SECONDS);
        });
    http.check("temporal", () -> temporalProblem(stubs));
    WorkflowClient client = TemporalConnection.client(temporal, stubs);

    if (mode.runsWorker()) {
      FailedCreates.Watched failedCreates = FailedCreates.watching(kubernetes);
      resources.push(failedCreates::close);
      WorkerFactory factory =
          KubeTaskWorker.create(
              kubernetes, client, workerConfig, new WorkerMetrics(registry), failedCreates);
      resources.push(
          () -> {
            factory.shutdown();
            factory.awaitTermination(10, TimeUnit.SECONDS);
          });
      http.check(
          "worker", () -> factory.isStarted() && !factory.isShutdown() ? null : "not polling");
      factory.start();
      log.info(
          "KubeTask worker polling task queue {} at {} (namespace {})",
          temporal.taskQueue(),
          temporal.address(),
          temporal.namespace());
    }
    if (mode.runsOperator()) {
      try {
        new SearchAttributeRegistrar(client).register();
      } catch (RuntimeException e) {
        // Not fatal: the gateway registers them again when a workflow start needs them.
        log.warn("Could not register search attributes in Temporal yet: {}", e.toString());
      }
      Operator operator =
          KubeTaskOperator.create(kubernetes, client, operatorConfig, registry, overrider -> {});
      resources.push(operator::stop);
      http.check("operator", () -> operator.getRuntimeInfo().isStarted() ? null : "not started");
      operator.start();
      var election = operatorConfig.leaderElection();
      log.info(
          "KubeTask operator started: Temporal {} namespace {}, task queue {}, {}",
          temporal.address(),
          temporal.namespace(),
          temporal.taskQueue(),
          election.enabled()
              ? "reconciling while it holds Lease " + election.leaseName()
              : "no leader election");
    }
  }

  /** Null when Temporal answers a cheap call (which also proves the credentials), else why not. */
  private static String temporalProblem(WorkflowServiceStubs stubs) {
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return null;
    } catch (StatusRuntimeException e) {
      return "unreachable (" + e.getStatus().getCode() + ")";
    }
  }

  /** The port of the HTTP endpoints. */
  public int httpPort() {
    return http.port();
  }

  /** Stops everything this process started, newest first. */
  @Override
  public synchronized void close() {
    if (resources.isEmpty()) {
      return;
    }
    log.info("KubeTask stopping");
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        log.warn("Error while stopping: {}", e.toString());
      }
    }
    log.info("KubeTask stopped");
  }
}
