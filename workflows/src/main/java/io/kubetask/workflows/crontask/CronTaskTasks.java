package io.kubetask.workflows.crontask;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskTemplateMetadata;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.Owners;
import io.kubetask.workflows.task.TaskNames;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Tasks a CronTask creates: one per fire, named after the fire's scheduled time. */
public final class CronTaskTasks {
  private CronTaskTasks() {}

  /**
   * The Task of a fire: the template's spec, labels and annotations, plus the CronTask label, the
   * scheduled time, the run workflow and an owner reference to the CronTask (KubeTask's keys win).
   */
  public static Task desired(CronTask cronTask, CronTaskFire fire) {
    var template = cronTask.getSpec().taskTemplate();
    TaskTemplateMetadata metadata = template.metadata();
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (metadata != null && metadata.labels() != null) {
      labels.putAll(metadata.labels());
    }
    if (metadata != null && metadata.annotations() != null) {
      annotations.putAll(metadata.annotations());
    }
    labels.put(KubeTaskLabels.CRONTASK, labelValue(cronTask.getMetadata().getName()));
    annotations.put(
        KubeTaskAnnotations.SCHEDULED_AT,
        Instant.ofEpochSecond(fire.scheduledAtEpochSeconds()).toString());
    annotations.put(KubeTaskAnnotations.CRONTASK_RUN, fire.runWorkflowId());

    Task task = new Task(cronTask.getMetadata().getNamespace(), fire.taskName(), template.spec());
    task.getMetadata().setLabels(labels);
    task.getMetadata().setAnnotations(annotations);
    task.getMetadata().setOwnerReferences(List.of(owner(cronTask)));
    return task;
  }

  /** The value of the {@code kubetask.io/crontask} label for a CronTask name. */
  public static String labelValue(String cronTaskName) {
    return TaskNames.labelValue(cronTaskName);
  }

  public static OwnerReference owner(CronTask cronTask) {
    return Owners.controller(
        CronTask.class, cronTask.getMetadata().getName(), cronTask.getMetadata().getUid());
  }

  /** Whether an object is controlled by the CronTask with this uid. */
  public static boolean ownedBy(HasMetadata object, String cronTaskUid) {
    return Owners.controlledBy(object, cronTaskUid);
  }

  /** The run workflow recorded on a Task, or null. */
  public static String runWorkflowId(Task task) {
    return Metadata.annotation(task, KubeTaskAnnotations.CRONTASK_RUN);
  }
}
