package io.kubetask.operator.observability;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.operator.crontask.CronTaskReconciler;
import io.kubetask.operator.crontask.CronTaskReconciler.ScheduleObserver;
import io.kubetask.operator.task.TaskReconciler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's metrics: JOSDK reports every reconciliation here ({@link Metrics}), and the
 * CronTask reconciler the fire counters of each Schedule ({@link ScheduleObserver}).
 *
 * <ul>
 *   <li>{@code kubetask_reconcile_total{controller,operation,result}}: reconcile and cleanup runs,
 *       result success or error
 *   <li>{@code kubetask_reconcile_duration_seconds{controller,operation}}: their latency
 *   <li>{@code kubetask_tasks{phase}}: Tasks by phase as the operator last reconciled them (New
 *       until the workflow gives one); only the leader reports them
 *   <li>{@code kubetask_tasks_queued{namespace,agent}}: Queued Tasks waiting for a slot, by
 *       namespace and Agent; only the leader reports them
 *   <li>{@code kubetask_crontask_fires_total{outcome}}: skipped (overlap policy) and missed (start
 *       deadline) fires; the worker counts created ones
 * </ul>
 */
public final class OperatorMetrics implements Metrics, ScheduleObserver {
  public static final String NEW_PHASE = "New";
  static final List<String> PHASES =
      List.of(NEW_PHASE, "Queued", "Pending", "Running", "Completed", "Failed");
  private static final Duration[] RECONCILE_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final Map<ResourceID, String> taskPhases = new ConcurrentHashMap<>();

  /** The Agent of each Queued Task. */
  private final Map<ResourceID, String> queuedAgents = new ConcurrentHashMap<>();

  /** The namespaces and Agents whose queued gauge exists. */
  private final Set<String> queuedGauges = ConcurrentHashMap.newKeySet();

  private final Map<ResourceID, Long> skippedSeen = new ConcurrentHashMap<>();
  private final Map<ResourceID, Long> missedSeen = new ConcurrentHashMap<>();
  private final Counter skipped;
  private final Counter missed;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String phase : PHASES) {
      Gauge.builder("kubetask.tasks", taskPhases, phases -> count(phases, phase))
          .description("Tasks by phase, as the operator last reconciled them")
          .tag("phase", phase)
          .register(registry);
    }
    skipped = fires("skipped");
    missed = fires("missed");
  }

  /** The gauge of one namespace and Agent, registered when a Task of theirs is first queued. */
  private void queuedGauge(String namespace, String agent) {
    if (!queuedGauges.add(namespace + "/" + agent)) {
      return;
    }
    Gauge.builder(
            "kubetask.tasks.queued",
            queuedAgents,
            queued ->
                queued.entrySet().stream()
                    .filter(
                        e ->
                            agent.equals(e.getValue())
                                && namespace.equals(e.getKey().getNamespace().orElse("")))
                    .count())
        .description("Queued Tasks waiting for a slot, by namespace and Agent")
        .tags("namespace", namespace, "agent", agent)
        .register(registry);
  }

  private Counter fires(String outcome) {
    return Counter.builder("kubetask.crontask.fires")
        .description("CronTask fires by outcome: created, skipped or missed")
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    // So that dashboards see zeros rather than no data before the first reconciliation.
    String name = controller.getConfiguration().getName();
    for (String result : List.of("success", "error")) {
      reconciles(name, "reconcile", result);
    }
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    Timer.Sample sample = Timer.start(registry);
    String result = "error";
    try {
      T value = execution.execute();
      result = "success";
      return value;
    } finally {
      sample.stop(
          Timer.builder("kubetask.reconcile.duration")
              .description("How long reconcile and cleanup runs take")
              .tags("controller", execution.controllerName(), "operation", execution.name())
              .serviceLevelObjectives(RECONCILE_BUCKETS)
              .register(registry));
      reconciles(execution.controllerName(), execution.name(), result).increment();
    }
  }

  private Counter reconciles(String controller, String operation, String result) {
    return Counter.builder("kubetask.reconcile")
        .description("Reconcile and cleanup runs by result")
        .tags("controller", controller, "operation", operation, "result", result)
        .register(registry);
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    if (resource instanceof Task task) {
      TaskPhase phase = task.getStatus() == null ? null : task.getStatus().phase();
      ResourceID id = ResourceID.fromResource(task);
      taskPhases.put(id, phase == null ? NEW_PHASE : phaseName(phase));
      if (phase == TaskPhase.QUEUED) {
        String agent = task.getSpec().agentName();
        queuedAgents.put(id, agent);
        queuedGauge(id.getNamespace().orElse(""), agent);
      } else {
        queuedAgents.remove(id);
      }
    }
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    Object controller = metadata.get(Constants.CONTROLLER_NAME);
    if (TaskReconciler.NAME.equals(controller)) {
      taskPhases.remove(resourceID);
      queuedAgents.remove(resourceID);
    } else if (CronTaskReconciler.NAME.equals(controller)) {
      skippedSeen.remove(resourceID);
      missedSeen.remove(resourceID);
    }
  }

  @Override
  public void observed(CronTask cronTask, ScheduleInfo info) {
    ResourceID id = ResourceID.fromResource(cronTask);
    CronTaskStatus status = cronTask.getStatus();
    count(
        skipped,
        skippedSeen,
        id,
        info.getNumActionsSkippedOverlap(),
        status == null ? null : status.skippedFires());
    count(
        missed,
        missedSeen,
        id,
        info.getNumActionsMissedCatchupWindow(),
        status == null ? null : status.missedFires());
  }

  /**
   * Counts the growth of a Schedule counter. The last value seen wins over the CronTask's status,
   * which may be a stale cached copy; a counter that went down belongs to a re-created Schedule.
   */
  private static void count(
      Counter counter, Map<ResourceID, Long> seen, ResourceID id, long current, Long persisted) {
    Long previous = seen.put(id, current);
    long base = previous != null ? previous : Objects.requireNonNullElse(persisted, 0L);
    if (current < base) {
      base = 0;
    }
    if (current > base) {
      counter.increment(current - base);
    }
  }

  private static double count(Map<ResourceID, String> phases, String phase) {
    return phases.values().stream().filter(phase::equals).count();
  }

  private static String phaseName(TaskPhase phase) {
    String name = phase.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
