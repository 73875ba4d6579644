package io.kubetask.operator.task;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskLifecycleConfig;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Tasks, Jobs and KubeTaskConfigs for tests. */
final class TestTasks {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final String NS = "team-a";
  static final String JOB_UID = "job-uid";

  private TestTasks() {}

  static Task task(String name) {
    var task = new Task(NS, name, new TaskSpec(List.of(), "claude"));
    task.getMetadata().setUid(name + "-uid");
    task.getMetadata().setCreationTimestamp(NOW.minusSeconds(3600).toString());
    return task;
  }

  static Task task(TaskPhase phase, Condition... conditions) {
    return withStatus(task("t"), phase, conditions);
  }

  static Task withStatus(Task task, TaskPhase phase, Condition... conditions) {
    task.setStatus(status(phase, null, null, null, List.of(conditions)));
    return task;
  }

  /**
   * A Running Task whose agent runs: Succeeded Unknown says so, as the operator records it once the
   * agent container runs (see {@link #agentPod}), unless {@code conditions} say otherwise.
   */
  static Task running(Instant startTime, Condition... conditions) {
    var task = task("t");
    List<Condition> all = new ArrayList<>(List.of(conditions));
    if (all.stream().noneMatch(c -> "Succeeded".equals(c.getType()))) {
      all.add(
          new ConditionBuilder()
              .withType("Succeeded")
              .withStatus("Unknown")
              .withReason("Running")
              .withMessage("The agent is running.")
              .build());
    }
    task.setStatus(status(TaskPhase.RUNNING, "t-12345678", startTime, null, all));
    return task;
  }

  /** The pod of {@link #job()} with its agent container running. */
  static Pod agentPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("t-12345678-x7k2p")
        .withNamespace(NS)
        .addToLabels("batch.kubernetes.io/controller-uid", JOB_UID)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addNewContainerStatus()
        .withName("agent")
        .withNewState()
        .withNewRunning()
        .withStartedAt(NOW.minusSeconds(590).toString())
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static Task finished(TaskPhase phase, Instant completion, Instant expiration) {
    var task = task("t");
    var status = status(phase, "t-12345678", completion.minusSeconds(60), completion, List.of());
    task.setStatus(
        new TaskStatus(
            status.phase(),
            status.jobName(),
            status.startTime(),
            status.completionTime(),
            expiration == null ? null : expiration.toString(),
            status.conditions(),
            null,
            null,
            null));
    return task;
  }

  static TaskStatus status(
      TaskPhase phase,
      String jobName,
      Instant start,
      Instant completion,
      List<Condition> conditions) {
    return new TaskStatus(
        phase,
        jobName,
        start == null ? null : start.toString(),
        completion == null ? null : completion.toString(),
        null,
        conditions,
        null,
        null,
        null);
  }

  static Task annotated(Task task, String key, String value) {
    task.getMetadata().getAnnotations().put(key, value);
    return task;
  }

  static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
  }

  static Job job() {
    return new JobBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName("t-12345678")
                .withNamespace(NS)
                .withUid(JOB_UID)
                .build())
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withActive(1)
        .withReady(0)
        .endStatus()
        .build();
  }

  static Job keepAliveJob(int ready) {
    return new JobBuilder(job())
        .editSpec()
        .editTemplate()
        .editSpec()
        .editFirstContainer()
        .withNewReadinessProbe()
        .withNewExec()
        .withCommand("test", "-f", "/tmp/exit-code")
        .endExec()
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .editStatus()
        .withReady(ready)
        .endStatus()
        .build();
  }

  static Job finishedJob(String type) {
    return new JobBuilder(job())
        .editStatus()
        .withActive(0)
        .addNewCondition()
        .withType(type)
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static KubeTaskConfig config(Integer ttlSeconds) {
    return new KubeTaskConfig(
        NS,
        KubeTaskConfig.DEFAULT_NAME,
        new KubeTaskConfigSpec(new TaskLifecycleConfig(ttlSeconds)));
  }
}
