package io.kubetask.operator.crontask;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.workflows.crontask.CronTaskRef;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the Schedules of CronTasks that no longer exist: those whose finalizer gave up on an
 * unreachable Temporal (see {@code FinalizerDeadline}), or that were left when KubeTask was not
 * running. Every resync period it lists KubeTask's Schedules and asks the API server about the
 * CronTask of each in a watched namespace; while Temporal cannot be reached it tries again at the
 * next period.
 */
public final class OrphanSchedules implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrphanSchedules.class);

  private final ScheduleGateway schedules;
  private final KubernetesClient kubernetes;
  private final Predicate<String> watchedNamespace;
  private final Duration every;
  private ScheduledExecutorService timer;

  /**
   * @param watchedNamespace whether this operator owns the CronTasks of a namespace
   * @param every how often to look
   */
  public OrphanSchedules(
      ScheduleGateway schedules,
      KubernetesClient kubernetes,
      Predicate<String> watchedNamespace,
      Duration every) {
    this.schedules = schedules;
    this.kubernetes = kubernetes;
    this.watchedNamespace = watchedNamespace;
    this.every = every;
  }

  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "kubetask-orphan-schedules");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        this::sweepQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Deletes the Schedules whose CronTask is gone; returns how many. */
  public int sweep() {
    int deleted = 0;
    for (String scheduleId : schedules.cronTaskScheduleIds()) {
      String[] namespaceAndName =
          scheduleId.substring(CronTaskRef.SCHEDULE_ID_PREFIX.length()).split("/", 2);
      if (namespaceAndName.length != 2 || !watchedNamespace.test(namespaceAndName[0])) {
        continue;
      }
      CronTask cronTask =
          kubernetes
              .resources(CronTask.class)
              .inNamespace(namespaceAndName[0])
              .withName(namespaceAndName[1])
              .get();
      if (cronTask == null && schedules.delete(scheduleId)) {
        log.info("Deleted Schedule {}: its CronTask no longer exists", scheduleId);
        deleted++;
      }
    }
    return deleted;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.debug("Could not look for Schedules of deleted CronTasks yet: {}", e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
