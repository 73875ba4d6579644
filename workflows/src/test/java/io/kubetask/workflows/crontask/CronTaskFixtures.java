package io.kubetask.workflows.crontask;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.api.v1alpha1.TaskTemplateMetadata;
import io.kubetask.api.v1alpha1.TaskTemplateSpec;
import java.util.List;
import java.util.Map;

/** Small builders of CronTasks and their Tasks for tests. */
final class CronTaskFixtures {
  static final TaskSpec TASK_SPEC = new TaskSpec(List.<Context>of(), "claude");

  private CronTaskFixtures() {}

  static CronTask cronTask(String namespace, String name, String uid, ConcurrencyPolicy policy) {
    CronTaskSpec spec =
        new CronTaskSpec(
            "0 9 * * *",
            null,
            null,
            policy,
            false,
            2,
            1,
            new TaskTemplateSpec(
                new TaskTemplateMetadata(
                    Map.of("app", "report", KubeTaskLabels.CRONTASK, "spoofed"),
                    Map.of("team", "ops")),
                TASK_SPEC));
    CronTask cronTask = new CronTask(namespace, name, spec);
    cronTask.getMetadata().setUid(uid);
    return cronTask;
  }

  /** The spec with another schedule, time zone, policy and suspend; the rest kept. */
  static CronTaskSpec respec(
      CronTaskSpec spec,
      String schedule,
      String timeZone,
      ConcurrencyPolicy policy,
      boolean suspend) {
    return new CronTaskSpec(
        schedule,
        timeZone,
        spec.startingDeadlineSeconds(),
        policy,
        suspend,
        spec.successfulTasksHistoryLimit(),
        spec.failedTasksHistoryLimit(),
        spec.taskTemplate());
  }

  static CronTaskSpec withStartingDeadline(CronTaskSpec spec, Long seconds) {
    return new CronTaskSpec(
        spec.schedule(),
        spec.timeZone(),
        seconds,
        spec.concurrencyPolicy(),
        spec.suspend(),
        spec.successfulTasksHistoryLimit(),
        spec.failedTasksHistoryLimit(),
        spec.taskTemplate());
  }

  /** A Task of a CronTask, with a phase and completion time (null for none). */
  static Task child(
      CronTask owner, String name, TaskPhase phase, String completionTime, String creationTime) {
    Task task = new Task(owner.getMetadata().getNamespace(), name, TASK_SPEC);
    task.getMetadata().setLabels(Map.of(KubeTaskLabels.CRONTASK, owner.getMetadata().getName()));
    task.getMetadata().setCreationTimestamp(creationTime);
    task.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("kubetask.io/v1alpha1")
                    .withKind("CronTask")
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .withController(true)
                    .build()));
    task.setStatus(new TaskStatus(phase, null, null, completionTime, null, null, null, null, null));
    return task;
  }
}
