package io.kubetask.e2e.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries for the infrastructure only, with the real Job controller: a pod taken away
 * (DisruptionTarget, as an eviction leaves it) runs again in a new pod as often as the Agent's
 * infrastructureRetries allow, and an agent that exits by itself never runs again.
 */
class InfrastructureRetriesE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static TaskWorld world;

  @BeforeAll
  static void start() {
    world = KubeTaskSystem.get().world(NS.name());
    NS.awaitDefaultServiceAccount();
  }

  @Test
  void anEvictedAgentRunsOnceMoreAndThenFailsWithTheDisruption() {
    world.agent("evicted", AgentSpecs.image("example.com/agent:1").runs("1s").disrupted());
    Task task = world.create("evicted", "evicted");

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);

    assertThat(TaskWorld.condition(failed, "Succeeded").getReason())
        .isEqualTo("EvictionByEvictionAPI");
    assertThat(TaskWorld.condition(failed, "Succeeded").getMessage())
        .contains("was disrupted (EvictionByEvictionAPI: Eviction API: evicting)")
        .endsWith("no infrastructure retry was left after 2 attempts.");
    assertThat(failed.getStatus().attempts()).isEqualTo(2);
    assertThat(world.pods(failed)).hasSize(2);
    assertThat(world.eventReasons(failed)).contains("Retrying");
  }

  @Test
  void withoutRetriesAnEvictedAgentFailsAtOnce() {
    world.agent(
        "evicted-once",
        AgentSpecs.image("example.com/agent:1").runs("1s").disrupted().infrastructureRetries(0));
    Task task = world.create("evicted-once", "evicted-once");

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);

    assertThat(TaskWorld.condition(failed, "Succeeded").getReason())
        .isEqualTo("EvictionByEvictionAPI");
    assertThat(failed.getStatus().attempts()).isEqualTo(1);
    assertThat(world.pods(failed)).hasSize(1);
  }

  @Test
  void anAgentThatExitsWithAnyCodeIsNeverRunAgain() {
    world.agent("exits", AgentSpecs.image("example.com/agent:1").runs("1s").fails(3));
    Task task = world.create("exits", "exits");

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);

    assertThat(TaskWorld.condition(failed, "Succeeded").getMessage())
        .isEqualTo("The agent exited with code 3 (Error).");
    assertThat(failed.getStatus().attempts()).isEqualTo(1);
    assertThat(world.pods(failed)).hasSize(1);
  }
}
