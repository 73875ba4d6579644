package io.kubetask.operator.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.EventRecorder;
import io.kubetask.workflows.task.AgentProgress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskProgressRecorderTest {
  private static final String NS = "team-a";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);

  private KubernetesMockServer server;
  private KubernetesClient client;
  private TaskProgressRecorder recorder;

  @BeforeEach
  void setUp() {
    server = MergePatchCrudDispatcher.startServer();
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(Task.class));
    client = server.createClient();
    recorder =
        new TaskProgressRecorder(
            client, new EventRecorder(client, CLOCK, "kubetask-operator"), CLOCK);
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  /** A Task as the worker leaves it when it has created the Job. */
  private Task jobCreated() {
    Task task = client.resource(new Task(NS, "t", new TaskSpec(List.of(), null))).create();
    task.setStatus(
        new TaskStatus(
            TaskPhase.RUNNING,
            "t-job",
            "2026-01-01T11:59:00Z",
            null,
            null,
            List.of(
                new ConditionBuilder()
                    .withType("Succeeded")
                    .withStatus("Unknown")
                    .withReason("PodPending")
                    .withMessage("Waiting for Job t-job to create the agent's pod.")
                    .build()),
            null,
            "task/team-a/t/uid",
            null));
    return client.resource(task).updateStatus();
  }

  private Task current() {
    return client.resources(Task.class).inNamespace(NS).withName("t").get();
  }

  private Condition succeeded() {
    return ConditionLists.find(current().getStatus().conditions(), "Succeeded").orElseThrow();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  @Test
  void writesWhatThePodDoesWithAnEventForEachNewReasonAndLeavesTheRestOfTheStatus() {
    Task task = jobCreated();
    var unschedulable = new AgentProgress("Unschedulable", "0/1 nodes are available.", null);

    assertThat(recorder.record(task, unschedulable)).isTrue();
    Task after = current();
    assertThat(recorder.record(after, unschedulable)).isFalse(); // says it already
    assertThat(
            recorder.record(
                after, new AgentProgress("Unschedulable", "0/2 nodes are available.", null)))
        .isTrue();

    assertThat(succeeded())
        .extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly("Unknown", "Unschedulable", "0/2 nodes are available.");
    assertThat(current().getStatus().jobName()).isEqualTo("t-job");
    assertThat(current().getStatus().workflowId()).isEqualTo("task/team-a/t/uid");
    assertThat(events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("Unschedulable");
              assertThat(e.getSource().getComponent()).isEqualTo("kubetask-operator");
            });

    assertThat(
            recorder.record(current(), new AgentProgress("Running", "The agent is running.", 1L)))
        .isTrue();
    assertThat(events())
        .filteredOn(e -> "Running".equals(e.getReason()))
        .singleElement()
        .extracting(Event::getType)
        .isEqualTo("Normal");
  }

  @Test
  void aTaskThatChangedSinceItWasReadIsLeftAsItIs() {
    Task read = jobCreated();
    // Meanwhile the workflow finished it.
    Task finished = current();
    finished.setStatus(
        new TaskStatus(
            TaskPhase.COMPLETED,
            "t-job",
            "2026-01-01T11:59:00Z",
            "2026-01-01T12:00:00Z",
            null,
            List.of(
                new ConditionBuilder()
                    .withType("Succeeded")
                    .withStatus("True")
                    .withReason("Completed")
                    .build()),
            null,
            "task/team-a/t/uid",
            null));
    client.resource(finished).updateStatus();

    assertThat(recorder.record(read, new AgentProgress("Running", "The agent is running.", 1L)))
        .isFalse();

    assertThat(current().getStatus().phase()).isEqualTo(TaskPhase.COMPLETED);
    assertThat(succeeded().getStatus()).isEqualTo("True");
    assertThat(events()).isEmpty();
  }

  @Test
  void aTaskThatIsGoneIsNothingToRecord() {
    Task task = jobCreated();
    client.resource(task).delete();

    assertThat(recorder.record(task, new AgentProgress("Running", "The agent is running.", 1L)))
        .isFalse();
    assertThat(events()).isEmpty();
  }
}
