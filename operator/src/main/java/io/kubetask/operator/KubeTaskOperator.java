package io.kubetask.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.kubetask.operator.crontask.CronTaskReconciler;
import io.kubetask.operator.crontask.ScheduleGateway;
import io.kubetask.operator.crontask.TemporalScheduleGateway;
import io.kubetask.operator.task.TaskReconciler;
import io.kubetask.operator.task.TaskWorkflowGateway;
import io.kubetask.operator.task.TemporalTaskWorkflowGateway;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator process: wires the Kubernetes and Temporal clients into the reconcilers. */
public final class KubeTaskOperator {
  private static final Logger log = LoggerFactory.getLogger(KubeTaskOperator.class);

  private KubeTaskOperator() {}

  public static void main(String[] args) {
    OperatorConfig config = OperatorConfig.fromEnv(System.getenv());
    KubernetesClient kubernetes = new KubernetesClientBuilder().build();
    WorkflowClient temporal = config.temporal().client(config.temporal().connect());
    try {
      new SearchAttributeRegistrar(temporal).register();
    } catch (RuntimeException e) {
      // Not fatal: the gateway registers them again when a workflow start needs them.
      log.warn("Could not register search attributes in Temporal yet: {}", e.toString());
    }

    Operator operator = create(kubernetes, temporal, config);
    operator.installShutdownHook(Duration.ofSeconds(10));
    operator.start();
    log.info(
        "KubeTask operator started: Temporal {} namespace {}, task queue {}",
        config.temporal().address(),
        config.temporal().namespace(),
        config.temporal().taskQueue());
  }

  /** The operator with every reconciler registered, not started yet. */
  public static Operator create(
      KubernetesClient kubernetes, WorkflowClient temporal, OperatorConfig config) {
    return create(kubernetes, temporal, config, overrider -> {});
  }

  /**
   * The operator with every reconciler registered, not started yet.
   *
   * @param overrides further JOSDK settings, e.g. leader election, or turning server-side apply off
   *     for the fabric8 mock server
   */
  public static Operator create(
      KubernetesClient kubernetes,
      WorkflowClient temporal,
      OperatorConfig config,
      Consumer<ConfigurationServiceOverrider> overrides) {
    var tasks =
        new TemporalTaskWorkflowGateway(
            temporal, config.temporal().taskQueue(), new SearchAttributeRegistrar(temporal));
    return create(kubernetes, tasks, TemporalScheduleGateway.of(temporal), config, overrides);
  }

  static Operator create(
      KubernetesClient kubernetes,
      TaskWorkflowGateway tasks,
      ScheduleGateway schedules,
      OperatorConfig config,
      Consumer<ConfigurationServiceOverrider> overrides) {
    // The caller owns the client: stopping the operator leaves it open.
    Operator operator =
        new Operator(
            overrider ->
                overrides.accept(
                    overrider.withKubernetesClient(kubernetes).withCloseClientOnStop(false)));
    operator.register(
        new TaskReconciler(tasks, Clock.systemUTC(), config.resync()),
        controller -> configure(controller, config));
    operator.register(
        new CronTaskReconciler(
            schedules, kubernetes, config.temporal().taskQueue(), Clock.systemUTC(), config.resync()),
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
