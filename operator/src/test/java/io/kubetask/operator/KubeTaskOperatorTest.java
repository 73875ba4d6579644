package io.kubetask.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.operator.crontask.FakeScheduleGateway;
import io.kubetask.operator.task.FakeTaskWorkflowGateway;
import io.kubetask.operator.task.TaskWorkflowGateway.Signal;
import io.kubetask.workflows.task.TaskRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's wiring (event sources, mappers, finalizer) on the fabric8 CRUD mock server. The
 * mock has no server-side apply, so JOSDK patches the primary resource the classic way here.
 */
@EnableKubernetesMockClient(crud = true)
class KubeTaskOperatorTest {
  private static final String NS = "team-a";

  KubernetesClient client;
  private final FakeTaskWorkflowGateway gateway = new FakeTaskWorkflowGateway();
  private Operator operator;

  @BeforeEach
  void start() {
    var config = OperatorConfig.fromEnv(Map.of());
    operator =
        KubeTaskOperator.create(
            client,
            gateway,
            new FakeScheduleGateway(),
            config,
            o ->
                o.withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void startsTheWorkflowOfANewTaskAndCancelsItOnDelete() {
    var task = client.resource(task("review", null)).create();
    var ref = new TaskRef(NS, "review", task.getMetadata().getUid());

    await().untilAsserted(() -> assertThat(refsOf("ensureStarted")).contains(ref));
    await()
        .untilAsserted(
            () ->
                assertThat(client.resource(task).get().getMetadata().getFinalizers()).isNotEmpty());

    client.resource(task).delete();

    await().untilAsserted(() -> assertThat(refsOf("terminate")).contains(ref));
    await().untilAsserted(() -> assertThat(client.resource(task).get()).isNull());
  }

  @Test
  void anAgentWakesABlockedTask() {
    var blocked =
        new TaskStatus(
            TaskPhase.PENDING,
            null,
            null,
            null,
            null,
            List.of(
                new ConditionBuilder()
                    .withType(Conditions.READY)
                    .withStatus("False")
                    .withReason(Conditions.AGENT_NOT_FOUND)
                    .build()),
            null,
            null,
            null);
    var task = client.resource(task("blocked", blocked)).create();
    var ref = new TaskRef(NS, "blocked", task.getMetadata().getUid());
    // Its workflow is kept running, but not told anything while its Agent is missing.
    await().untilAsserted(() -> assertThat(refsOf("ensureStarted")).contains(ref));
    await().until(() -> !client.resource(task).get().getMetadata().getFinalizers().isEmpty());
    assertThat(signals()).doesNotContain(Signal.DEPENDENCIES_CHANGED);

    client
        .resource(
            new Agent(NS, "claude", new AgentSpec(null, null, null, null, null, null, null, null)))
        .create();

    await().until(() -> signals().contains(Signal.DEPENDENCIES_CHANGED));
  }

  @Test
  void aFinishedJobReachesItsTask() {
    var running = running("run-abc");
    var task = client.resource(task("run", running)).create();
    await().until(() -> !gateway.calls.isEmpty());
    assertThat(signals()).doesNotContain(Signal.JOB_CHANGED);

    client.resource(finishedJob(task)).create();

    await().atMost(Duration.ofSeconds(10)).until(() -> signals().contains(Signal.JOB_CHANGED));
  }

  @Test
  void aPodReachesTheTaskOfTheUidItIsLabelledWith() {
    var running = running("run-pod");
    // Another Task of the namespace first, so that the pod's Task is not simply the only one.
    client.resource(task("other", null)).create();
    var task = client.resource(task("pod-task", running)).create();
    var job = client.resource(runningJob(task)).create();
    await().until(() -> refsOf("ensureStarted").size() == 2);
    assertThat(signals()).doesNotContain(Signal.JOB_CHANGED);

    // A pod whose image cannot be pulled is news of trouble for the workflow (its start deadline).
    var pullBackOff =
        new ContainerStateBuilder().withNewWaiting().withReason("ImagePullBackOff").endWaiting();
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("run-pod-x7k2p")
                .withNamespace(NS)
                .addToLabels(KubeTaskLabels.MANAGED_BY, KubeTaskLabels.MANAGED_BY_VALUE)
                .addToLabels(KubeTaskLabels.TASK_UID, task.getMetadata().getUid())
                .addToLabels("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .addNewContainerStatus()
                .withName("agent")
                .withState(pullBackOff.build())
                .endContainerStatus()
                .endStatus()
                .build())
        .create();

    await().atMost(Duration.ofSeconds(10)).until(() -> signals().contains(Signal.JOB_CHANGED));
    assertThat(
            gateway.calls.stream()
                .filter(c -> Signal.JOB_CHANGED.equals(c.signal()))
                .map(c -> c.ref().name()))
        .containsOnly("pod-task");
  }

  /** Running with its Job of this name, since now. */
  private static TaskStatus running(String jobName) {
    return new TaskStatus(
        TaskPhase.RUNNING, jobName, Instant.now().toString(), null, null, null, null, null, null);
  }

  private static Task task(String name, TaskStatus status) {
    var task = new Task(NS, name, new TaskSpec(List.of(), "claude"));
    task.setStatus(status);
    return task;
  }

  /** The Task's Job while its pod has yet to run. */
  private static Job runningJob(Task task) {
    Job job = finishedJob(task);
    job.setStatus(null);
    return job;
  }

  private static Job finishedJob(Task task) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(task.getStatus().jobName())
        .withNamespace(NS)
        .addToLabels(KubeTaskLabels.MANAGED_BY, KubeTaskLabels.MANAGED_BY_VALUE)
        .addNewOwnerReference()
        .withApiVersion(task.getApiVersion())
        .withKind(task.getKind())
        .withName(task.getMetadata().getName())
        .withUid(task.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Complete")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private List<TaskRef> refsOf(String method) {
    return gateway.calls.stream().filter(c -> c.method().equals(method)).map(c -> c.ref()).toList();
  }

  private List<Signal> signals() {
    return gateway.calls.stream().map(c -> c.signal()).filter(s -> s != null).toList();
  }
}
