package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.Approval;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Approval before a costly run, as a person gives it with kubectl: the Task waits Pending with
 * reason AwaitingApproval and no Job, then runs once approved (saying who approved), fails when
 * rejected, and fails when no approval comes in time.
 */
class ApprovalE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static TaskWorld world;

  @BeforeAll
  static void start() {
    world = KubeTaskSystem.get().world(NS.name());
    NS.awaitDefaultServiceAccount();
    world.agent("quick", AgentSpecs.image("example.com/agent:1").runs("1s"));
  }

  private static Task create(String name, Approval approval) {
    return world
        .client()
        .resource(
            new Task(
                NS.name(),
                name,
                new TaskSpec(
                    List.of(TaskWorld.inline("/workspace/task.md", "Migrate the database.")),
                    "quick",
                    null,
                    null,
                    null,
                    approval)))
        .create();
  }

  private static void annotate(String task, String annotation) {
    NS.kubectl().run("annotate", "tasks.kubetask.io", task, annotation, "-n", NS.name()).ok();
  }

  private static Task awaitingApproval(Task task) {
    Task waiting = world.awaitPhase(task, TaskPhase.PENDING);
    waiting = world.awaitCondition(waiting, "Ready", "False");
    assertThat(TaskWorld.condition(waiting, "Ready").getReason()).isEqualTo("AwaitingApproval");
    return waiting;
  }

  @Test
  void anApprovedTaskRunsAndSaysWhoApprovedIt() {
    Task task = create("approved", new Approval(true, 3600));
    Task waiting = awaitingApproval(task);
    assertThat(TaskWorld.condition(waiting, "Ready").getMessage())
        .startsWith(
            "Waiting for approval: kubectl annotate task approved kubetask.io/approve=true");
    assertThat(world.jobs(task)).isEmpty();

    annotate("approved", "kubetask.io/approve=true");

    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    assertThat(TaskWorld.condition(done, "Ready").getMessage())
        .endsWith("Approved by kubectl-annotate.");
    assertThat(world.eventReasons(done)).contains("AwaitingApproval", "Approved");
  }

  @Test
  void aRejectedTaskFailsWithTheReasonGiven() {
    Task task = create("rejected", new Approval(true, null));
    awaitingApproval(task);

    annotate("rejected", "kubetask.io/reject=too risky on a Friday");

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);
    assertThat(TaskWorld.condition(failed, "Succeeded").getReason()).isEqualTo("Rejected");
    assertThat(TaskWorld.condition(failed, "Succeeded").getMessage())
        .isEqualTo("Rejected (kubetask.io/reject: too risky on a Friday).");
    assertThat(world.jobs(task)).isEmpty();
  }

  @Test
  void noApprovalInTimeFailsTheTask() {
    Task task = create("unanswered", new Approval(true, 5));
    awaitingApproval(task);

    Task failed = world.awaitPhase(task, TaskPhase.FAILED, TIMEOUT.plus(Duration.ofSeconds(5)));
    assertThat(TaskWorld.condition(failed, "Succeeded").getReason()).isEqualTo("ApprovalTimeout");
    assertThat(TaskWorld.condition(failed, "Succeeded").getMessage())
        .isEqualTo("No approval came within 5s of the Task's creation.");
    assertThat(world.jobs(task)).isEmpty();
  }
}
