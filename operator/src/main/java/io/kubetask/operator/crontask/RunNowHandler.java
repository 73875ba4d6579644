package io.kubetask.operator.crontask;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.k8s.MergePatch;
import io.kubetask.workflows.k8s.Metadata;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires a CronTask's Schedule once for the run-now annotation, then removes the annotation. A
 * failed removal is retried with the reconciliation and may fire twice; the Schedule's overlap
 * policy applies to both.
 */
final class RunNowHandler {
  static final String RUN_NOW = "RunNow";
  static final String RUN_NOW_FAILED = "RunNowFailed";
  static final String RUN_NOW_IGNORED = "IgnoredAnnotation";

  /** Into the next second, with room for the trigger to reach the server. */
  private static final Duration SECOND_MARGIN = Duration.ofMillis(1200);

  private static final Duration NEAR_FIRE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(RunNowHandler.class);

  private final ScheduleGateway schedules;
  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;

  /**
   * The resourceVersion of each CronTask (by uid) whose run-now annotation was handled, so a stale
   * cached copy that still carries the annotation does not fire it twice.
   */
  private final Map<String, String> handled = new ConcurrentHashMap<>();

  RunNowHandler(
      ScheduleGateway schedules, KubernetesClient client, EventRecorder events, Clock clock) {
    this.schedules = schedules;
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Handles the CronTask's run-now annotation, if it has one.
   *
   * @param schedule what the Schedule sync found
   * @return how long the trigger must wait, or zero when it went (or there was none to handle)
   */
  Duration handle(CronTask cronTask, ScheduleSync.Outcome schedule) {
    String value = Metadata.annotation(cronTask, KubeTaskAnnotations.RUN_NOW);
    if (value == null) {
      return Duration.ZERO;
    }
    String uid = cronTask.getMetadata().getUid();
    if (Objects.equals(handled.get(uid), cronTask.getMetadata().getResourceVersion())) {
      return Duration.ZERO; // A cached copy from before our removal.
    }
    String scheduleId = CronTaskSchedules.ref(cronTask).scheduleId();
    boolean fire = "true".equals(value);
    if (fire && schedule.valid() && schedule.info() != null) {
      Duration wait = delay(schedule.info(), clock.instant());
      if (!wait.isZero()) {
        log.debug("Deferring {} of {} by {}", KubeTaskAnnotations.RUN_NOW, scheduleId, wait);
        return wait;
      }
    }
    if (!fire) {
      events.warning(
          cronTask,
          RUN_NOW_IGNORED,
          KubeTaskAnnotations.RUN_NOW
              + "=\""
              + value
              + "\" is ignored and removed: only \"true\" fires the CronTask once.");
    } else if (schedule.valid()) {
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
    MergePatch.object(client, cronTask, removal(KubeTaskAnnotations.RUN_NOW));
    handled.put(uid, cronTask.getMetadata().getResourceVersion());
    return Duration.ZERO;
  }

  /** Forgets a deleted CronTask. */
  void forget(CronTask cronTask) {
    handled.remove(cronTask.getMetadata().getUid());
  }

  /**
   * How long a run-now must wait so that its fire gets a second of its own: a fire's Task name and
   * run workflow id carry its time in seconds, so a trigger in the same second as another fire
   * would meet that fire's run (and under Replace cancel it without a new Task); and it never goes
   * at a minute's turn, where the worker would take it for a calendar fire. Zero when the trigger
   * may go now.
   */
  static Duration delay(ScheduleInfo info, Instant now) {
    Instant clear = now;
    for (ScheduleActionResult recent : info.getRecentActions()) {
      Instant after = recent.getScheduledAt().truncatedTo(ChronoUnit.SECONDS).plus(SECOND_MARGIN);
      clear = after.isAfter(clear) ? after : clear;
    }
    for (Instant next : info.getNextActionTimes()) {
      // A fire due about now may not be in the recent actions yet.
      if (next.isAfter(now.minus(NEAR_FIRE)) && next.isBefore(now.plus(NEAR_FIRE))) {
        Instant after = next.truncatedTo(ChronoUnit.SECONDS).plus(SECOND_MARGIN);
        clear = after.isAfter(clear) ? after : clear;
      }
    }
    // Off the minute: fires on a whole minute are the calendar's (FireDecision.isRunNow), so a
    // trigger must not reach the server in second 0.
    long second = clear.getEpochSecond() % 60;
    if (second == 59 || second == 0) {
      Instant minute = clear.truncatedTo(ChronoUnit.MINUTES);
      clear = (second == 0 ? minute : minute.plus(Duration.ofMinutes(1))).plus(SECOND_MARGIN);
    }
    return Duration.between(now, clear);
  }

  /** A JSON merge patch that removes an annotation (RFC 7386: null deletes a key). */
  static String removal(String annotation) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("metadata").putObject("annotations").putNull(annotation);
    return patch.toString();
  }
}
