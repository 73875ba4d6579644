package io.kubetask.operator.task;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.task.AgentProgress;
import io.kubetask.workflows.task.TaskStatusPatches;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;

/**
 * Writes what the agent's pod does onto its Task (Succeeded Unknown, with an Event when the reason
 * changes), as the operator's pod cache sees it. The patch carries the resourceVersion of the Task
 * it was decided from: if the Task changed meanwhile (the workflow finished it, or another
 * reconciliation got there first) the API server refuses it and nothing is recorded, so the pod's
 * news never overwrites what the workflow wrote, and each reason gets one Event.
 */
public final class TaskProgressRecorder implements TaskReconciler.ProgressRecorder {
  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;

  public TaskProgressRecorder(KubernetesClient client, EventRecorder events, Clock clock) {
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public boolean record(Task task, AgentProgress progress) {
    var fields = TaskStatusPatches.progress(task, progress, clock.instant());
    if (fields.isEmpty()) {
      return false;
    }
    var body =
        Map.of(
            "metadata",
            Map.of("resourceVersion", task.getMetadata().getResourceVersion()),
            "status",
            fields.get());
    try {
      client
          .resources(Task.class)
          .inNamespace(task.getMetadata().getNamespace())
          .withName(task.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(body));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false; // Changed or gone: the reconciliation that follows decides again.
      }
      throw e;
    }
    String before =
        ConditionLists.find(TaskStatusPatches.status(task).conditions(), Conditions.SUCCEEDED)
            .map(c -> c.getReason())
            .orElse(null);
    if (!progress.reason().equals(before)) {
      if (progress.troubled()) {
        events.warning(task, progress.reason(), progress.message());
      } else {
        events.normal(task, progress.reason(), progress.message());
      }
    }
    return true;
  }
}
