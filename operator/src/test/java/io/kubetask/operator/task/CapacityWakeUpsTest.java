package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.task;
import static io.kubetask.operator.task.TestTasks.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.CapacityConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CapacityWakeUpsTest {
  private static Agent claude(Integer maxConcurrentTasks) {
    var spec =
        new AgentSpec(
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "default",
            null,
            null,
            null,
            null,
            maxConcurrentTasks,
            null,
            null,
            null);
    return new Agent("team-a", "claude", spec);
  }

  private static Task named(String name, TaskPhase phase, String job, String created) {
    Task task = task(name);
    task.getMetadata().setCreationTimestamp(created);
    task.getMetadata().setResourceVersion("7");
    task.setStatus(new TaskStatus(phase, job, null, null, null, List.of(), 1L, "wf", null));
    return task;
  }

  private final Task one = named("one", TaskPhase.RUNNING, "one-job", "2026-12-01T10:00:00Z");
  private final Task two = named("two", TaskPhase.RUNNING, "two-job", "2026-12-01T10:01:00Z");
  private final Task next = named("next", TaskPhase.QUEUED, null, "2026-12-01T10:02:00Z");
  private final Task after = named("after", TaskPhase.QUEUED, null, "2026-12-01T10:03:00Z");

  @Test
  void aNamespaceWithoutLimitsHasNoQueue() {
    assertThat(CapacityWakeUps.limits(Stream.of(claude(null)), null)).isEmpty();
    var config =
        new KubeTaskConfig(
            "team-a", "default", new KubeTaskConfigSpec(null, new CapacityConfig(4)));
    assertThat(CapacityWakeUps.limits(Stream.of(claude(null)), config))
        .hasValueSatisfying(l -> assertThat(l.namespaceLimit()).isEqualTo(4));
  }

  @Test
  void nobodyIsWokenWhileEverySlotIsTaken() {
    var limits = CapacityWakeUps.limits(Stream.of(claude(2)), null).orElseThrow();

    assertThat(CapacityWakeUps.toWake(List.of(one, two, next, after), limits, null)).isEmpty();
  }

  @Test
  void aFreedSlotWakesTheHeadOfTheQueueOnlyAndSaysWhoHoldsTheSlots() {
    var limits = CapacityWakeUps.limits(Stream.of(claude(2)), null).orElseThrow();
    Task done = withStatus(task("one"), TaskPhase.COMPLETED);

    var wake = CapacityWakeUps.toWake(List.of(done, two, next, after), limits, "12");

    assertThat(wake).extracting(w -> w.task().getMetadata().getName()).containsExactly("next");
    assertThat(wake.get(0).news()).isEqualTo("7 two 2 12");
  }
}
