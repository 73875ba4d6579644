package io.kubetask.operator.crontask;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.k8s.MergePatch;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * Records a CronTask's status: derives it from its Tasks and its Schedule, tells the change in
 * Events, and writes it when it differs from the stored one. The operator writes every field but
 * {@code lastFire} and {@code fires} (the worker's, written when a fire happens), so it writes them
 * with a JSON merge patch on the status subresource that leaves those out (not server-side apply).
 */
final class StatusRecorder {
  /** The status fields the worker writes when a fire happens. */
  static final Set<String> WORKER_OWNED = Set.of("lastFire", "fires");

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;

  StatusRecorder(KubernetesClient client, EventRecorder events, Clock clock) {
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  /**
   * @param tasks the Tasks in the cache that may be the CronTask's
   * @param schedule what the Schedule sync found
   * @return the status the CronTask has now
   */
  CronTaskStatus record(CronTask cronTask, Collection<Task> tasks, ScheduleSync.Outcome schedule) {
    var children = CronTaskStatuses.children(cronTask, tasks);
    Instant now = clock.instant();
    CronTaskStatus status =
        CronTaskStatuses.derive(cronTask, children, schedule.invalid(), schedule.info(), now);
    for (var event :
        CronTaskStatuses.events(cronTask.getStatus(), status, cronTask.getSpec(), now)) {
      if (event.warning()) {
        events.warning(cronTask, event.reason(), event.message());
      } else {
        events.normal(cronTask, event.reason(), event.message());
      }
    }
    if (!status.equals(cronTask.getStatus())) {
      MergePatch.status(client, cronTask, mergePatch(client.getKubernetesSerialization(), status));
    }
    return status;
  }

  /**
   * The whole status as a JSON merge patch (RFC 7386): each field of the record as the model
   * serialises it, and an explicit null for each field it leaves out, so that the API server clears
   * what the derived status no longer has. Lists replace the stored ones.
   */
  static String mergePatch(KubernetesSerialization serialization, CronTaskStatus status) {
    ObjectNode fields = serialization.convertValue(status, ObjectNode.class);
    fields.remove(WORKER_OWNED);
    for (RecordComponent field : CronTaskStatus.class.getRecordComponents()) {
      if (!fields.has(field.getName()) && !WORKER_OWNED.contains(field.getName())) {
        fields.putNull(field.getName());
      }
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.set("status", fields);
    return patch.toString();
  }
}
