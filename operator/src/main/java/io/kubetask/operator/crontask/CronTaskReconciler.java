package io.kubetask.operator.crontask;

import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.operator.temporal.FinalizerDeadline;
import io.kubetask.workflows.k8s.EventRecorder;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Keeps each CronTask's Temporal Schedule in step with its spec (created, updated, paused while
 * suspended, restored after a hand edit or deletion, deleted with the CronTask), fires it on the
 * run-now annotation, and writes the CronTask's status from its Tasks and the Schedule. The
 * Schedule's runs create the Tasks; this reconciler never does.
 *
 * <p>Each reconciliation observes and syncs the Schedule ({@link ScheduleSync}), handles run-now
 * ({@link RunNowHandler}), then records the status ({@link StatusRecorder}).
 */
// Annotations (run-now) and child Task changes do not bump metadata.generation, and both matter.
@ControllerConfiguration(name = CronTaskReconciler.NAME, generationAwareEventProcessing = false)
public class CronTaskReconciler implements Reconciler<CronTask>, Cleaner<CronTask> {
  public static final String NAME = "crontask";

  private final ScheduleSync scheduleSync;
  private final RunNowHandler runNow;
  private final StatusRecorder statusRecorder;
  private final EventRecorder events;
  private final FinalizerDeadline finalizerDeadline;
  private final ScheduleObserver observer;
  private final Clock clock;
  private final Duration resync;

  /**
   * @param schedules the Temporal Schedules
   * @param client writes CronTask status, annotations and Events
   * @param taskQueue the worker's task queue, where the Schedules start their runs
   * @param finalizerDeadline how long a deleted CronTask waits for Temporal; its clock is the time
   *     for conditions and rescheduling
   * @param resync the longest time between two reconciliations of a CronTask
   * @param observer told the Schedule's fire counters at each reconciliation (for metrics)
   */
  public CronTaskReconciler(
      ScheduleGateway schedules,
      KubernetesClient client,
      String taskQueue,
      FinalizerDeadline finalizerDeadline,
      Duration resync,
      ScheduleObserver observer) {
    Clock clock = finalizerDeadline.clock();
    EventRecorder events = new EventRecorder(client, clock, "kubetask-operator");
    this.events = events;
    this.finalizerDeadline = finalizerDeadline;
    this.scheduleSync = new ScheduleSync(schedules, events, taskQueue);
    this.runNow = new RunNowHandler(schedules, client, events, clock);
    this.statusRecorder = new StatusRecorder(client, events, clock);
    this.observer = observer;
    this.clock = clock;
    this.resync = resync;
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

  @Override
  public UpdateControl<CronTask> reconcile(CronTask cronTask, Context<CronTask> context) {
    ScheduleSync.Outcome schedule = scheduleSync.sync(cronTask);
    if (schedule.info() != null) {
      observer.observed(cronTask, schedule.info());
    }
    Duration deferred = runNow.handle(cronTask, schedule);
    CronTaskStatus status =
        statusRecorder.record(cronTask, context.getSecondaryResources(Task.class), schedule);
    Duration next = CronTaskStatuses.nextReconcile(status, clock.instant(), resync);
    return UpdateControl.<CronTask>noUpdate()
        .rescheduleAfter(deferred.isZero() || deferred.compareTo(next) > 0 ? next : deferred);
  }

  @Override
  public DeleteControl cleanup(CronTask cronTask, Context<CronTask> context) {
    try {
      scheduleSync.remove(cronTask);
    } catch (RuntimeException e) {
      DeleteControl control =
          finalizerDeadline.afterFailure(
              cronTask,
              e,
              "delete Schedule " + CronTaskSchedules.ref(cronTask).scheduleId(),
              "the operator deletes the Schedule once Temporal answers again.",
              events::warning);
      if (!control.isRemoveFinalizer()) {
        return control;
      }
    }
    runNow.forget(cronTask);
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
}
