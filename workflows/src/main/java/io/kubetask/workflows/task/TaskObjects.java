package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.Owners;
import java.util.Map;

/** Labels and owner references shared by every object a Task owns. */
public final class TaskObjects {
  private TaskObjects() {}

  public static Map<String, String> labels(TaskRef task) {
    return Map.of(
        KubeTaskLabels.APP,
        KubeTaskLabels.APP_VALUE,
        KubeTaskLabels.MANAGED_BY,
        KubeTaskLabels.MANAGED_BY_VALUE,
        KubeTaskLabels.TASK,
        TaskNames.labelValue(task.name()),
        KubeTaskLabels.TASK_UID,
        task.uid());
  }

  /** Metadata of an object the run owns: its name, namespace, labels and owner reference. */
  public static ObjectMeta metadata(AgentRun run) {
    return new ObjectMetaBuilder()
        .withName(run.objectName())
        .withNamespace(run.task().namespace())
        .withLabels(labels(run.task()))
        .withOwnerReferences(owner(run.task()))
        .build();
  }

  public static OwnerReference owner(TaskRef task) {
    return Owners.controller(Task.class, task.name(), task.uid());
  }

  /** Whether an existing object was made for this Task (and not for an earlier one of its name). */
  public static boolean ownedBy(HasMetadata object, TaskRef task) {
    return Owners.controlledBy(object, task.uid());
  }
}
