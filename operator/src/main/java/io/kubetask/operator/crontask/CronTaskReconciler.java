package io.kubetask.operator.crontask;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.k8s.EventRecorder;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each CronTask's Temporal Schedule in step with its spec (created, updated, paused while
 * suspended, restored after a hand edit or deletion, deleted with the CronTask), fires it on the
 * run-now annotation, and writes the CronTask's status from its Tasks and the Schedule. The
 * Schedule's runs create the Tasks; this reconciler never does.
 */
// Annotations (run-now) and child Task changes do not bump metadata.generation, and both matter.
@ControllerConfiguration(name = CronTaskReconciler.NAME, generationAwareEventProcessing = false)
public class CronTaskReconciler implements Reconciler<CronTask>, Cleaner<CronTask> {
  public static final String NAME = "crontask";

  static final String SCHEDULE_CREATED = "ScheduleCreated";
  static final String SCHEDULE_UPDATED = "ScheduleUpdated";
  static final String SCHEDULE_RESTORED = "ScheduleRestored";
  static final String RUN_NOW = "RunNow";
  static final String RUN_NOW_FAILED = "RunNowFailed";

  private static final Logger log = LoggerFactory.getLogger(CronTaskReconciler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScheduleGateway schedules;
  private final KubernetesClient client;
  private final String taskQueue;
  private final Clock clock;
  private final Duration resync;
  private final EventRecorder events;
  private final StatusWriter statusWriter;
  private final ScheduleObserver observer;

  /**
   * The resourceVersion of each CronTask (by uid) whose run-now annotation was handled, so a stale
   * cached copy that still carries the annotation does not fire it twice.
   */
  private final Map<String, String> runNowHandled = new ConcurrentHashMap<>();

  /**
   * @param schedules the Temporal Schedules
   * @param client writes CronTask status, annotations and Events
   * @param taskQueue the worker's task queue, where the Schedules start their runs
   * @param clock the time for conditions and rescheduling
   * @param resync the longest time between two reconciliations of a CronTask
   */
  public CronTaskReconciler(
      ScheduleGateway schedules,
      KubernetesClient client,
      String taskQueue,
      Clock clock,
      Duration resync) {
    this(schedules, client, taskQueue, clock, resync, ScheduleObserver.NONE);
  }

  /**
   * @param observer told the Schedule's fire counters at each reconciliation (for metrics)
   */
  public CronTaskReconciler(
      ScheduleGateway schedules,
      KubernetesClient client,
      String taskQueue,
      Clock clock,
      Duration resync,
      ScheduleObserver observer) {
    this(schedules, client, taskQueue, clock, resync, mergePatch(client), observer);
  }

  CronTaskReconciler(
      ScheduleGateway schedules,
      KubernetesClient client,
      String taskQueue,
      Clock clock,
      Duration resync,
      StatusWriter statusWriter) {
    this(schedules, client, taskQueue, clock, resync, statusWriter, ScheduleObserver.NONE);
  }

  private CronTaskReconciler(
      ScheduleGateway schedules,
      KubernetesClient client,
      String taskQueue,
      Clock clock,
      Duration resync,
      StatusWriter statusWriter,
      ScheduleObserver observer) {
    this.observer = observer;
    this.schedules = schedules;
    this.client = client;
    this.taskQueue = taskQueue;
    this.clock = clock;
    this.resync = resync;
    this.events = new EventRecorder(client, clock, "kubetask-operator");
    this.statusWriter = statusWriter;
  }

  /** Receives what a CronTask's Schedule reports each time the reconciler describes it. */
  public interface ScheduleObserver {
    ScheduleObserver NONE = (cronTask, info) -> {};

    /**
     * @param cronTask the CronTask, with the status it had before this reconciliation
     * @param info its Schedule's info, with counters of skipped and missed fires
     */
    void observed(CronTask cronTask, ScheduleInfo info);
  }

  /** Writes a CronTask's whole status: every field, null for those to clear. */
  interface StatusWriter {
    void write(CronTask cronTask, Map<String, Object> status);
  }

  /**
   * A JSON merge patch on the status subresource (not server-side apply): the operator is its only
   * writer.
   */
  static StatusWriter mergePatch(KubernetesClient client) {
    return (cronTask, status) ->
        client
            .resources(CronTask.class)
            .inNamespace(cronTask.getMetadata().getNamespace())
            .withName(cronTask.getMetadata().getName())
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), json(Map.of("status", status)));
  }

  @Override
  public UpdateControl<CronTask> reconcile(CronTask cronTask, Context<CronTask> context) {
    String scheduleId = CronTaskSchedules.ref(cronTask).scheduleId();
    String invalid = CronTaskSchedules.validate(cronTask.getSpec()).orElse(null);
    ScheduleInfo info = null;
    if (invalid == null) {
      try {
        info = ensureSchedule(cronTask, scheduleId).map(ScheduleDescription::getInfo).orElse(null);
      } catch (ScheduleGateway.RejectedException e) {
        invalid = "Temporal rejected the schedule: " + e.getMessage();
      }
    }
    if (info != null) {
      observer.observed(cronTask, info);
    }
    if (invalid != null && schedules.delete(scheduleId)) {
      log.info("Deleted Schedule {}: the CronTask's schedule is invalid", scheduleId);
    }
    Duration deferred = runNow(cronTask, scheduleId, invalid == null, info);

    var children = CronTaskStatuses.children(cronTask, context.getSecondaryResources(Task.class));
    CronTaskStatus status =
        CronTaskStatuses.derive(cronTask, children, invalid, info, clock.instant());
    for (var event : CronTaskStatuses.events(cronTask.getStatus(), status, cronTask.getSpec())) {
      if (event.warning()) {
        events.warning(cronTask, event.reason(), event.message());
      } else {
        events.normal(cronTask, event.reason(), event.message());
      }
    }
    if (!status.equals(cronTask.getStatus())) {
      patchStatus(cronTask, status);
    }
    Duration next = CronTaskStatuses.nextReconcile(status, clock.instant(), resync);
    return UpdateControl.<CronTask>noUpdate()
        .rescheduleAfter(deferred.isZero() || deferred.compareTo(next) > 0 ? next : deferred);
  }

  /** Creates, updates or restores the Schedule as needed; returns its description. */
  private Optional<ScheduleDescription> ensureSchedule(CronTask cronTask, String scheduleId) {
    Schedule desired = CronTaskSchedules.toSchedule(cronTask, taskQueue);
    Optional<ScheduleDescription> current = schedules.describe(scheduleId);
    CronTaskStatus status = cronTask.getStatus();
    if (current.isEmpty()) {
      schedules.create(scheduleId, desired);
      if (status != null && status.scheduleId() != null) {
        log.info("Schedule {} was missing, created it again", scheduleId);
        events.warning(
            cronTask,
            SCHEDULE_RESTORED,
            "Temporal Schedule "
                + scheduleId
                + " was missing; created it again from the CronTask.");
      } else {
        log.info("Created Schedule {}", scheduleId);
        events.normal(cronTask, SCHEDULE_CREATED, "Created Temporal Schedule " + scheduleId + ".");
      }
      return schedules.describe(scheduleId);
    }
    CronTaskRef ref = CronTaskSchedules.ref(cronTask);
    Optional<CronTaskRef> target = CronTaskSchedules.target(current.get().getSchedule());
    if (target.isPresent() && !Objects.equals(target.get().uid(), ref.uid())) {
      // Left behind by an earlier CronTask of this name: start afresh, with fresh counters.
      log.info(
          "Schedule {} belonged to CronTask uid {}, re-creating it",
          scheduleId,
          target.get().uid());
      schedules.delete(scheduleId);
      schedules.create(scheduleId, desired);
      events.normal(
          cronTask,
          SCHEDULE_CREATED,
          "Created Temporal Schedule " + scheduleId + " in place of an earlier CronTask's.");
      return schedules.describe(scheduleId);
    }
    List<String> differences = CronTaskSchedules.differences(desired, current.get().getSchedule());
    if (differences.isEmpty()) {
      return current;
    }
    schedules.update(scheduleId, desired);
    boolean specChanged =
        status == null
            || !Objects.equals(status.observedGeneration(), cronTask.getMetadata().getGeneration());
    log.info("Updated Schedule {}: {} differed", scheduleId, differences);
    if (specChanged) {
      events.normal(
          cronTask,
          SCHEDULE_UPDATED,
          "Updated Temporal Schedule " + scheduleId + " (" + String.join(", ", differences) + ").");
    } else {
      events.warning(
          cronTask,
          SCHEDULE_RESTORED,
          "Temporal Schedule "
              + scheduleId
              + " was changed outside KubeTask ("
              + String.join(", ", differences)
              + "); restored it from the CronTask.");
    }
    return schedules.describe(scheduleId);
  }

  /**
   * Fires the Schedule once for the run-now annotation, then removes the annotation. A failed
   * removal is retried with the reconciliation and may fire twice; the Schedule's overlap policy
   * applies to both.
   */
  private Duration runNow(CronTask cronTask, String scheduleId, boolean valid, ScheduleInfo info) {
    var annotations = cronTask.getMetadata().getAnnotations();
    if (annotations == null || annotations.get(KubeTaskAnnotations.RUN_NOW) == null) {
      return Duration.ZERO;
    }
    String uid = cronTask.getMetadata().getUid();
    if (Objects.equals(runNowHandled.get(uid), cronTask.getMetadata().getResourceVersion())) {
      return Duration.ZERO; // A cached copy from before our removal.
    }
    if (valid && info != null) {
      Duration wait = CronTaskSchedules.runNowDelay(info, clock.instant());
      if (!wait.isZero()) {
        log.debug("Deferring {} of {} by {}", KubeTaskAnnotations.RUN_NOW, scheduleId, wait);
        return wait;
      }
    }
    if (valid) {
      schedules.trigger(scheduleId);
      log.info("Triggered Schedule {} for {}", scheduleId, KubeTaskAnnotations.RUN_NOW);
      events.normal(
          cronTask,
          RUN_NOW,
          "Fired once on request ("
              + KubeTaskAnnotations.RUN_NOW
              + "); concurrencyPolicy "
              + cronTask.getSpec().concurrencyPolicyOrDefault()
              + " applies.");
    } else {
      events.warning(
          cronTask,
          RUN_NOW_FAILED,
          KubeTaskAnnotations.RUN_NOW + " ignored: the CronTask's schedule is invalid.");
    }
    Map<String, Object> annotationsPatch = new LinkedHashMap<>();
    annotationsPatch.put(KubeTaskAnnotations.RUN_NOW, null);
    client
        .resources(CronTask.class)
        .inNamespace(cronTask.getMetadata().getNamespace())
        .withName(cronTask.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            json(Map.of("metadata", Map.of("annotations", annotationsPatch))));
    runNowHandled.put(uid, cronTask.getMetadata().getResourceVersion());
    return Duration.ZERO;
  }

  /** Writes the whole status: null clears a field. */
  private void patchStatus(CronTask cronTask, CronTaskStatus status) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("active", status.active());
    fields.put("lastScheduleTime", status.lastScheduleTime());
    fields.put("lastSuccessfulTime", status.lastSuccessfulTime());
    fields.put("nextScheduleTime", status.nextScheduleTime());
    fields.put("skippedFires", status.skippedFires());
    fields.put("missedFires", status.missedFires());
    fields.put("conditions", status.conditions());
    fields.put("observedGeneration", status.observedGeneration());
    fields.put("scheduleId", status.scheduleId());
    statusWriter.write(cronTask, fields);
  }

  @Override
  public DeleteControl cleanup(CronTask cronTask, Context<CronTask> context) {
    String scheduleId = CronTaskSchedules.ref(cronTask).scheduleId();
    // Runs waiting for Tasks that go with the CronTask would otherwise wait for a re-check timer.
    schedules.cancelRuns(CronTaskSchedules.ref(cronTask));
    if (schedules.delete(scheduleId)) {
      log.info("CronTask deleted, deleted Schedule {}", scheduleId);
    }
    runNowHandled.remove(cronTask.getMetadata().getUid());
    // Its Tasks go by garbage collection: they carry an owner reference to the CronTask.
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, CronTask>> prepareEventSources(EventSourceContext<CronTask> context) {
    var tasks =
        InformerEventSourceConfiguration.from(Task.class, CronTask.class)
            .withName("crontask-tasks")
            .withLabelSelector(KubeTaskLabels.CRONTASK)
            .build(); // Mapped to the owning CronTask by owner reference (the default).
    return List.of(new InformerEventSource<>(tasks, context));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
