package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.support.TaskWorld.inline;
import static io.kubetask.e2e.support.TaskWorld.ttlOf;
import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finished Tasks are deleted {@code ttlSecondsAfterFinished} after their completionTime, read from
 * the namespace's KubeTaskConfig "default"; the real garbage collector then removes their Job,
 * ConfigMap and pods. Each test has a namespace of its own, since the config is per namespace. The
 * 7-day default itself is covered with time skipping in TaskWorkflowTest.
 */
class TtlE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Duration DEFAULT_TTL = Duration.ofSeconds(604800);
  private static KubeTaskSystem system;

  @BeforeAll
  static void start() {
    system = KubeTaskSystem.get();
  }

  /** A namespace of its own with an Agent whose pods succeed at once. */
  private static TaskWorld world(String hint) {
    String ns = NS.another(hint);
    NS.awaitDefaultServiceAccount(ns);
    TaskWorld world = system.world(ns);
    world.agent("echo", AgentSpecs.image("example.com/echo:1"));
    return world;
  }

  @Test
  void aShortTtlDeletesTheTaskAndTheGarbageCollectorItsJobAndConfigMap() {
    TaskWorld world = world("ttl-short");
    // Long enough to look at the finished Task, its Job and ConfigMap before they go: times are
    // in whole seconds, so the Task lives between 4 and 5 s after it finished.
    world.ttl(5);
    Task task = world.create("short-lived", "echo");

    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    assertThat(ttlOf(done)).isEqualTo(Duration.ofSeconds(5));
    assertThat(world.job(done)).isNotNull();
    assertThat(world.contextConfigMap(done)).isNotNull();
    List<Pod> pods = world.pods(done);
    assertThat(pods).hasSize(1);

    world.awaitGone(done, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(world.job(done)).isNull();
              assertThat(world.contextConfigMap(done)).isNull();
              assertThat(world.pods(done)).isEmpty();
            });
    assertThat(world.workflow(done).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void aTaskThatFailedBeforeItsJobExistedExpiresToo() {
    TaskWorld world = world("ttl-no-job");
    world.ttl(3);
    String half = "x".repeat(600 * 1024);
    Task task =
        world.create(
            "too-large", "echo", inline("/workspace/a.md", half), inline("/workspace/b.md", half));

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);
    assertThat(condition(failed, "Ready").getReason()).isEqualTo("ContextTooLarge");
    assertThat(failed.getStatus().jobName()).isNull();
    assertThat(ttlOf(failed)).isEqualTo(Duration.ofSeconds(3));

    world.awaitGone(failed, TIMEOUT);
    assertThat(world.jobs(failed)).isEmpty();
  }

  @Test
  void aChangedConfigMovesTheDeadlineOfAWaitingTask() {
    TaskWorld world = world("ttl-changed");
    world.ttl(3600);
    Task done = world.awaitPhase(world.create("waiting", "echo"), TaskPhase.COMPLETED);
    assertThat(ttlOf(done)).isEqualTo(Duration.ofHours(1));

    world.ttl(7200);
    Task later = awaitTtl(world, done, Duration.ofHours(2));
    assertThat(later.getStatus().completionTime()).isEqualTo(done.getStatus().completionTime());

    world.ttl(4);
    awaitTtl(world, done, Duration.ofSeconds(4));
    world.awaitGone(done, TIMEOUT);
  }

  @Test
  void aConfigCreatedAfterTheTaskFinishedAppliesToIt() {
    TaskWorld world = world("ttl-created");
    Task done = world.awaitPhase(world.create("waiting", "echo"), TaskPhase.COMPLETED);
    assertThat(ttlOf(done)).as("the built-in default").isEqualTo(DEFAULT_TTL);

    world.ttl(2);
    awaitTtl(world, done, Duration.ofSeconds(2));
    world.awaitGone(done, TIMEOUT);
  }

  @Test
  void deletingTheConfigBringsBackTheDefault() {
    TaskWorld world = world("ttl-deleted");
    world.ttl(3600);
    Task done = world.awaitPhase(world.create("waiting", "echo"), TaskPhase.COMPLETED);
    assertThat(ttlOf(done)).isEqualTo(Duration.ofHours(1));

    world.deleteConfig();
    awaitTtl(world, done, DEFAULT_TTL);
    assertThat(world.workflow(done).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  /**
   * With TTL 0 the Task stays: no expirationTime and no workflow left that could delete it. The
   * wait for "never" is bounded by an event: a sibling Task in another namespace, with TTL 1 s,
   * finished after this one and has been deleted, so a TTL of this Task would have fired too.
   */
  @Test
  void ttlZeroKeepsTheTask() {
    TaskWorld kept = world("ttl-zero");
    kept.ttl(0);
    TaskWorld sibling = world("ttl-sibling");
    sibling.ttl(1);

    Task done = kept.awaitPhase(kept.create("kept", "echo"), TaskPhase.COMPLETED);
    assertThat(done.getStatus().expirationTime()).isNull();
    Task other = sibling.createAndAwaitDeletion("gone", "echo", TIMEOUT);
    assertThat(TaskWorld.phase(other)).isEqualTo(TaskPhase.COMPLETED);
    assertThat(other.getStatus().completionTime())
        .isGreaterThanOrEqualTo(done.getStatus().completionTime());

    Task still = kept.get(done);
    assertThat(still).isNotNull();
    assertThat(still.getStatus().expirationTime()).isNull();
    kept.awaitWorkflow(done, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(kept.get(done)).isNotNull();
  }

  @Test
  void turningCleanupOnAgainDeletesATaskKeptUnderTtlZero() {
    TaskWorld world = world("ttl-zero-on");
    world.ttl(0);
    Task done = world.awaitPhase(world.create("kept-then-gone", "echo"), TaskPhase.COMPLETED);
    world.awaitWorkflow(done, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

    world.ttl(2);
    awaitTtl(world, done, Duration.ofSeconds(2));
    world.awaitGone(done, TIMEOUT);
  }

  /** Waits until the Task's expirationTime is completionTime + ttl. */
  private static Task awaitTtl(TaskWorld world, Task task, Duration ttl) {
    return await()
        .atMost(TIMEOUT)
        .until(() -> world.get(task), t -> t == null || ttl.equals(ttlOf(t)));
  }
}
