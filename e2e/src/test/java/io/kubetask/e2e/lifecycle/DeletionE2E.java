package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.support.TaskWorld.configMapKey;
import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a Task stops its agent and ends its workflow, whatever state either is in. Deleting a
 * Task while the operator is down, which needs the operator in a process of its own, is in {@code
 * faults.OperatorFaultsE2E}.
 */
class DeletionE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  /** What "promptly" means on a loaded two-core CI machine. */
  static final Duration PROMPTLY = Duration.ofSeconds(20);

  private static KubeTaskSystem system;
  private static TaskWorld world;

  @BeforeAll
  static void start() {
    system = KubeTaskSystem.get();
    world = system.world(NS.name());
    NS.awaitDefaultServiceAccount();
    world.agent("hang", AgentSpecs.image("example.com/agent:1").hangs());
    world.agent("echo", AgentSpecs.image("example.com/agent:1"));
    world.agent(
        "hitl",
        AgentSpecs.image("example.com/agent:1").command("run-agent").keepAlive(3600).hangs());
  }

  @Test
  void deletingARunningTaskStopsItsAgentAndEndsItsWorkflowPromptly() {
    Task running = world.awaitPhase(world.create("running", "hang"), TaskPhase.RUNNING);
    await().atMost(TIMEOUT).until(() -> !world.pods(running).isEmpty());

    Instant deleted = Instant.now();
    world.client().resource(running).delete();

    awaitAllGone(running);
    assertThat(Duration.between(deleted, Instant.now())).isLessThan(PROMPTLY);
    world.awaitWorkflow(running, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void deletingATaskInsideItsKeepAliveWindowEndsItToo() {
    Task open = world.awaitCondition(world.create("in-window", "hitl"), "HumanInTheLoop", "True");

    Instant deleted = Instant.now();
    world.client().resource(open).delete();

    awaitAllGone(open);
    assertThat(Duration.between(deleted, Instant.now())).isLessThan(PROMPTLY);
    world.awaitWorkflow(open, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void deletingATaskWhoseWorkflowWasTerminatedStillFinishes() {
    Task running = world.awaitPhase(world.create("orphan", "hang"), TaskPhase.RUNNING);
    String runId = world.workflow(running).getExecution().getRunId();
    WorkflowStub terminated =
        system
            .temporal()
            .newUntypedWorkflowStub(
                running.getStatus().workflowId(), Optional.of(runId), Optional.empty());
    terminated.terminate("terminated by hand for DeletionE2E");
    // (The operator may start a new run for the Task at once: closed workflows are started again.)
    assertThat(terminated.describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);

    world.client().resource(running).delete();

    awaitAllGone(running);
  }

  @Test
  void deletingABlockedTaskFinishes() {
    Task blocked =
        world.create("blocked", "hang", configMapKey("/workspace/in.md", "never-created", "in.md"));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> world.get(blocked),
            t -> t.getStatus() != null && t.getStatus().phase() == TaskPhase.PENDING);

    world.client().resource(blocked).delete();

    world.awaitGone(blocked, PROMPTLY);
    world.awaitWorkflow(blocked, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void deletingAFinishedTaskWithoutAWorkflowFinishes() {
    world.ttl(0);
    try {
      Task completed = world.awaitPhase(world.create("finished", "echo"), TaskPhase.COMPLETED);
      world.awaitWorkflow(completed, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

      world.client().resource(completed).delete();

      awaitAllGone(completed);
    } finally {
      world.deleteConfig();
    }
  }

  /** The Task, its Job, ConfigMap and pods are gone. */
  private static void awaitAllGone(Task task) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(world.get(task)).isNull();
              assertThat(world.jobs(task)).isEmpty();
              assertThat(world.pods(task)).isEmpty();
              if (task.getStatus().jobName() != null) {
                assertThat(world.contextConfigMap(task)).isNull();
              }
            });
  }
}
