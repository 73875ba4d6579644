package io.kubetask.operator.task;

import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.task.TaskRef;
import java.util.Map;

/**
 * Which workflow a gateway call is about, and what its search attributes say when the call starts
 * it.
 *
 * @param ref the workflow input (its id derives from it)
 * @param agent the name of the Agent that runs the Task
 * @param cronTask the CronTask that created the Task, or null
 */
public record TaskWorkflowTarget(TaskRef ref, String agent, String cronTask) {

  public static TaskWorkflowTarget of(Task task) {
    var meta = task.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    return new TaskWorkflowTarget(
        new TaskRef(meta.getNamespace(), meta.getName(), meta.getUid()),
        task.getSpec() == null ? null : task.getSpec().agentName(),
        labels.get(KubeTaskLabels.CRONTASK));
  }
}
