package io.kubetask.e2e.crontask;

import static io.kubetask.e2e.crontask.CronTaskWorld.COMPLETE;
import static io.kubetask.e2e.crontask.CronTaskWorld.FAIL;
import static io.kubetask.e2e.crontask.CronTaskWorld.eventually;
import static io.kubetask.e2e.support.TaskWorld.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** After each run the CronTask keeps its newest Completed and Failed Tasks within both limits. */
class CronTaskHistoryE2E {
  @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();

  /** Fires once and waits until the fire's Task has finished with the expected phase. */
  private static String fire(String cronTask, List<String> seen, TaskPhase expected) {
    world.runNow(cronTask);
    Task task =
        CronTaskWorld.eventually(
            () ->
                world.tasks(cronTask).stream()
                    .filter(t -> !seen.contains(t.getMetadata().getName()))
                    .findFirst());
    String name = task.getMetadata().getName();
    seen.add(name);
    eventually().until(() -> world.task(name) == null || phase(world.task(name)) == expected);
    return name;
  }

  @Test
  void keepsTheNewestTasksWithinBothLimits() {
    // Allow: under Forbid a fire right after a Task ends may still meet that fire's run (which
    // prunes, then ends) and be skipped.
    CronTaskSpec base = CronTaskWorld.yearly(ConcurrencyPolicy.ALLOW, COMPLETE);
    world.create(
        "history",
        new CronTaskSpec(
            base.schedule(),
            null,
            null,
            base.concurrencyPolicy(),
            false,
            2,
            1,
            base.taskTemplate()));
    eventually().until(() -> world.schedule("history").isPresent());
    List<String> seen = new ArrayList<>();

    String c1 = fire("history", seen, TaskPhase.COMPLETED);
    String c2 = fire("history", seen, TaskPhase.COMPLETED);
    String c3 = fire("history", seen, TaskPhase.COMPLETED);
    eventually().untilAsserted(() -> assertThat(names()).containsExactly(c2, c3));

    world.patchSpec(
        "history", "{\"taskTemplate\":{\"spec\":{\"agentRef\":\"" + FAIL + "\",\"contexts\":[]}}}");
    String f1 = fire("history", seen, TaskPhase.FAILED);
    String f2 = fire("history", seen, TaskPhase.FAILED);

    eventually().untilAsserted(() -> assertThat(names()).containsExactly(c2, c3, f2));
    assertThat(seen).containsExactly(c1, c2, c3, f1, f2);
    assertThat(phase(world.task(c2))).isEqualTo(TaskPhase.COMPLETED);
    assertThat(phase(world.task(f2))).isEqualTo(TaskPhase.FAILED);
    assertThat(world.cronTask("history").getStatus().lastSuccessfulTime())
        .isEqualTo(
            Instant.parse(world.task(c3).getStatus().completionTime())
                .truncatedTo(ChronoUnit.SECONDS)
                .toString());
  }

  private static List<String> names() {
    return world.tasks("history").stream().map(t -> t.getMetadata().getName()).toList();
  }
}
