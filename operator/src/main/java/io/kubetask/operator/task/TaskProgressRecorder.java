package io.kubetask.operator.task;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.k8s.StatusPatch;
import io.kubetask.workflows.task.AgentProgress;
import io.kubetask.workflows.task.TaskStatusPatches;
import java.time.Clock;

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
    if (!StatusPatch.mergeIfUnchanged(client, task, fields.get())) {
      return false; // Changed or gone: the reconciliation that follows decides again.
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
