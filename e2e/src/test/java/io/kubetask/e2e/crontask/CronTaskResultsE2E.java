package io.kubetask.e2e.crontask;

import static io.kubetask.e2e.crontask.CronTaskWorld.REPORTS;
import static io.kubetask.e2e.crontask.CronTaskWorld.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.TaskWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory between the runs of a CronTask: with passResult, each new Task gets the result of the
 * newest Completed Task as /workspace/previous-result.json, carried in its own spec.
 */
class CronTaskResultsE2E {
  @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();

  @Test
  void theSecondTaskSeesTheFirstTasksResult() {
    // Allow: the second fire must not depend on the first run having closed.
    CronTaskSpec base = CronTaskWorld.yearly(ConcurrencyPolicy.ALLOW, REPORTS);
    world.create(
        "daily",
        new CronTaskSpec(
            base.schedule(),
            null,
            null,
            base.concurrencyPolicy(),
            false,
            3,
            1,
            base.taskTemplate(),
            true));
    eventually().until(() -> world.schedule("daily").isPresent());

    world.runNow("daily");
    eventually().until(() -> world.tasks("daily").size() == 1);
    Task first = world.tasks("daily").get(0);
    assertThat(first.getSpec().contexts()).isEmpty(); // the first run has nothing to remember
    Task firstDone = world.taskWorld().awaitPhase(first, TaskPhase.COMPLETED);
    assertThat(firstDone.getStatus().result().summary()).isEqualTo("Fixed 3 flaky tests.");

    world.runNow("daily");
    eventually().until(() -> world.tasks("daily").size() == 2);
    Task second = world.tasks("daily").get(1);

    assertThat(second.getSpec().contexts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path()).isEqualTo("/workspace/previous-result.json");
              assertThat(c.file().source().inline())
                  .isEqualTo(
                      "{\"summary\":\"Fixed 3 flaky tests.\",\"data\":{\"fixed\":3},"
                          + "\"goalAchieved\":true}");
            });
    Task secondDone = world.taskWorld().awaitPhase(second, TaskPhase.COMPLETED);
    // The Task as listed may not have a status yet: its ConfigMap is named after its Job.
    assertThat(world.taskWorld().contextConfigMap(secondDone).getData())
        .containsValue(second.getSpec().contexts().get(0).file().source().inline());
    assertThat(TaskWorld.condition(world.task(second.getMetadata().getName()), "GoalAchieved"))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }
}
