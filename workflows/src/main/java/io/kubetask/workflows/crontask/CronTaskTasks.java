package io.kubetask.workflows.crontask;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskTemplateMetadata;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.Owners;
import io.kubetask.workflows.task.TaskNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The Tasks a CronTask creates: one per fire, named after the fire's scheduled time. */
public final class CronTaskTasks {
  private CronTaskTasks() {}

  /**
   * The Task of a fire: the template's spec, labels and annotations, plus the CronTask label, the
   * scheduled time, the run workflow and an owner reference to the CronTask (KubeTask's keys win).
   */
  public static Task desired(CronTask cronTask, CronTaskFire fire) {
    return desired(cronTask, fire, null);
  }

  /**
   * The Task of a fire, handed its predecessor's result (as JSON) as the file {@link
   * CronTaskSpec#PREVIOUS_RESULT_PATH} when there is one.
   */
  public static Task desired(CronTask cronTask, CronTaskFire fire, String previousResult) {
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

    TaskSpec spec = template.spec();
    if (previousResult != null) {
      // In the Task's own spec: the CRs keep it, whatever happens to Temporal.
      List<Context> contexts =
          new ArrayList<>(spec.contexts() == null ? List.of() : spec.contexts());
      contexts.removeIf(c -> c.path().equals(CronTaskSpec.PREVIOUS_RESULT_PATH));
      contexts.add(
          Context.file(FileContext.inline(CronTaskSpec.PREVIOUS_RESULT_PATH, previousResult)));
      spec =
          new TaskSpec(
              contexts,
              spec.agentRef(),
              spec.startTimeout(),
              spec.timeout(),
              spec.priority(),
              spec.approval());
    }
    Task task = new Task(cronTask.getMetadata().getNamespace(), fire.taskName(), spec);
    task.getMetadata().setLabels(labels);
    task.getMetadata().setAnnotations(annotations);
    task.getMetadata().setOwnerReferences(List.of(owner(cronTask)));
    return task;
  }

  /**
   * The result of the newest Completed Task of the CronTask, as JSON, when the CronTask passes
   * results on; null otherwise or when none has one.
   */
  public static String previousResult(CronTask cronTask, List<Task> children) {
    if (!Boolean.TRUE.equals(cronTask.getSpec().passResult())) {
      return null;
    }
    return children.stream()
        .filter(t -> t.getStatus() != null && t.getStatus().phase() == TaskPhase.COMPLETED)
        .filter(t -> t.getStatus().result() != null)
        .max(Comparator.comparing(t -> Objects.toString(t.getStatus().completionTime(), "")))
        .map(t -> Serialization.asJson(t.getStatus().result()))
        .orElse(null);
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
