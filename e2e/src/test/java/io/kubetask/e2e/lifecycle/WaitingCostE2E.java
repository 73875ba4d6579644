package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiting costs nothing in proportion to what happens around a Task: a Task blocked on a missing
 * Agent is not woken by changes of a ConfigMap it does not use, nor by the resyncs of its operator,
 * and its workflow's history stays as it was until the Agent appears.
 */
class WaitingCostE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static TaskWorld world;

  @BeforeAll
  static void start() {
    world = new TaskWorld(KubeTaskSystem.get().client(), NS.name(), TIMEOUT);
    NS.awaitDefaultServiceAccount();
  }

  @Test
  void aBlockedTaskIsNotWokenByAThousandChangesOfAnUnrelatedConfigMap() {
    world.agent("present", AgentSpecs.image("example.com/agent:1"));
    Task task = world.create("waits", "late-agent");
    // A Task that waits for a ConfigMap made after the thousand changes: once it completes, the
    // operator has seen every change before (an informer delivers them in order).
    Task probe =
        world.create(
            "probe", "present", TaskWorld.configMapKey("/workspace/task.md", "marker", "task"));
    String workflowId = awaitBlocked(task, "AgentNotFound").getStatus().workflowId();
    awaitBlocked(probe, "ContextNotFound");
    long before = historyLength(workflowId);

    for (int i = 0; i < 1000; i++) {
      world.configMap("unrelated", Map.of("n", Integer.toString(i)));
    }
    world.configMap("marker", Map.of("task", "Go."));
    world.awaitPhase(probe, TaskPhase.COMPLETED);
    long after = historyLength(workflowId);

    System.err.println(
        "WaitingCostE2E: the blocked Task's workflow had "
            + before
            + " history events before 1000 changes of an unrelated ConfigMap, "
            + after
            + " after");
    assertThat(after - before).isLessThanOrEqualTo(5);

    world.agent("late-agent", AgentSpecs.image("example.com/agent:1"));
    world.awaitPhase(task, TaskPhase.COMPLETED);
  }

  private static Task awaitBlocked(Task task, String reason) {
    return await(task.getMetadata().getName() + " " + reason)
        .atMost(TIMEOUT)
        .until(
            () -> world.get(task),
            t ->
                TaskWorld.condition(t, "Ready") != null
                    && reason.equals(TaskWorld.condition(t, "Ready").getReason()));
  }

  private static long historyLength(String workflowId) {
    return KubeTaskSystem.get().temporal().fetchHistory(workflowId).getEvents().size();
  }
}
