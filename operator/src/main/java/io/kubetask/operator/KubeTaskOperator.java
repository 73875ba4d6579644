package io.kubetask.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.kubetask.operator.crontask.CronTaskReconciler;
import io.kubetask.operator.crontask.OrphanSchedules;
import io.kubetask.operator.crontask.ScheduleGateway;
import io.kubetask.operator.crontask.TemporalScheduleGateway;
import io.kubetask.operator.observability.OperatorMetrics;
import io.kubetask.operator.task.TaskFinalizer;
import io.kubetask.operator.task.TaskProgressRecorder;
import io.kubetask.operator.task.TaskReconciler;
import io.kubetask.operator.task.TaskWorkflowGateway;
import io.kubetask.operator.task.TemporalTaskWorkflowGateway;
import io.kubetask.operator.temporal.FinalizerDeadline;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.workflows.k8s.EventRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The operator: wires the Kubernetes and Temporal clients into the reconcilers. The process that
 * runs it is {@code io.kubetask.app.KubeTask} (module {@code app}).
 */
public final class KubeTaskOperator {
  /**
   * Reconciliations that run at once, across all kinds. Each mostly waits on the API server or
   * Temporal; JOSDK's default of 50 threads gave no more throughput, neither in a burst of 1,000
   * Tasks nor in deleting them (about 80 cleanups a second either way), and each thread, once a
   * burst has started it, keeps its stack resident for good.
   */
  static final int RECONCILIATION_THREADS = 16;

  private KubeTaskOperator() {}

  /** The operator with every reconciler registered, not started yet, without metrics. */
  public static Operator create(
      KubernetesClient kubernetes, WorkflowClient temporal, OperatorConfig config) {
    return create(kubernetes, temporal, config, new SimpleMeterRegistry(), overrider -> {});
  }

  /**
   * The operator with every reconciler registered, not started yet.
   *
   * @param overrides further JOSDK settings, e.g. turning server-side apply off for the fabric8
   *     mock server; applied last
   */
  public static Operator create(
      KubernetesClient kubernetes,
      WorkflowClient temporal,
      OperatorConfig config,
      Consumer<ConfigurationServiceOverrider> overrides) {
    return create(kubernetes, temporal, config, new SimpleMeterRegistry(), overrides);
  }

  /**
   * The operator with every reconciler registered, not started yet.
   *
   * @param metrics where the operator's metrics go
   * @param overrides further JOSDK settings; applied last
   */
  public static Operator create(
      KubernetesClient kubernetes,
      WorkflowClient temporal,
      OperatorConfig config,
      MeterRegistry metrics,
      Consumer<ConfigurationServiceOverrider> overrides) {
    var tasks =
        new TemporalTaskWorkflowGateway(
            temporal, config.temporal().taskQueue(), new SearchAttributeRegistrar(temporal));
    return create(
        kubernetes, tasks, TemporalScheduleGateway.of(temporal), config, metrics, overrides);
  }

  static Operator create(
      KubernetesClient kubernetes,
      TaskWorkflowGateway tasks,
      ScheduleGateway schedules,
      OperatorConfig config,
      Consumer<ConfigurationServiceOverrider> overrides) {
    return create(kubernetes, tasks, schedules, config, new SimpleMeterRegistry(), overrides);
  }

  /** The operator on given gateways, e.g. fakes that record what it does. */
  public static Operator create(
      KubernetesClient kubernetes,
      TaskWorkflowGateway tasks,
      ScheduleGateway schedules,
      OperatorConfig config,
      MeterRegistry metrics,
      Consumer<ConfigurationServiceOverrider> overrides) {
    var operatorMetrics = new OperatorMetrics(metrics);
    LeaseHandover lease =
        config.leaderElection().enabled()
            ? new LeaseHandover(kubernetes, config.leaderElection())
            : null;
    var orphans =
        new OrphanSchedules(
            schedules,
            kubernetes,
            namespace ->
                config.watchAllNamespaces() || config.watchNamespaces().contains(namespace),
            config.resync());
    // The caller owns the client: stopping the operator leaves it open.
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(kubernetes)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(RECONCILIATION_THREADS)
                  .withMetrics(operatorMetrics);
              if (lease != null) {
                overrider.withLeaderElectionConfiguration(lease.configuration());
              }
              overrides.accept(overrider);
            }) {
          @Override
          public synchronized void start() {
            super.start();
            orphans.start();
          }

          @Override
          public void stop() {
            if (lease != null) {
              lease.stopping();
            }
            orphans.close();
            super.stop();
          }
        };
    var finalizerDeadline = new FinalizerDeadline(config.finalizerTimeout(), Clock.systemUTC());
    var events = new EventRecorder(kubernetes, Clock.systemUTC(), "kubetask-operator");
    operator.register(
        new TaskReconciler(
            tasks,
            events::warning,
            new TaskProgressRecorder(kubernetes, events, Clock.systemUTC()),
            new TaskFinalizer(),
            finalizerDeadline,
            config.resync(),
            config.watchAllNamespaces()),
        controller -> configure(controller, config));
    operator.register(
        new CronTaskReconciler(
            schedules,
            kubernetes,
            config.temporal().taskQueue(),
            finalizerDeadline,
            config.resync(),
            operatorMetrics),
        controller -> configure(controller, config));
    return operator;
  }

  private static void configure(
      ControllerConfigurationOverrider<?> controller, OperatorConfig config) {
    controller
        .withReconciliationMaxInterval(config.resync())
        // Temporal outages are retried with backoff; after the last attempt the resync takes over.
        .withRetry(
            new GenericRetry()
                .setInitialInterval(1000)
                .setIntervalMultiplier(2)
                .setMaxInterval(30_000)
                .setMaxAttempts(30));
    if (config.watchAllNamespaces()) {
      controller.watchingAllNamespaces();
    } else {
      controller.settingNamespaces(config.watchNamespaces());
    }
  }
}
