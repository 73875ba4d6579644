package io.kubetask.workflows.crontask;

import static io.kubetask.workflows.crontask.CronTaskFixtures.cronTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskResult;
import io.kubetask.api.v1alpha1.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTaskTasksTest {

  @Test
  void theTaskOfAFireCarriesTheTemplateAndItsOrigin() {
    CronTask cron = cronTask("team", "daily-report", "uid-7", ConcurrencyPolicy.FORBID);
    CronTaskFire fire =
        new CronTaskFire(new CronTaskRef("team", "daily-report", "uid-7"), 1733821200L, "run-1");

    Task task = CronTaskTasks.desired(cron, fire);

    assertThat(task.getMetadata().getName()).isEqualTo("daily-report-1733821200");
    assertThat(task.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(task.getSpec()).isEqualTo(CronTaskFixtures.TASK_SPEC);
    assertThat(task.getMetadata().getLabels())
        .containsEntry("app", "report")
        .containsEntry(KubeTaskLabels.CRONTASK, "daily-report");
    assertThat(task.getMetadata().getAnnotations())
        .containsEntry("team", "ops")
        .containsEntry(KubeTaskAnnotations.SCHEDULED_AT, "2024-12-10T09:00:00Z")
        .containsEntry(KubeTaskAnnotations.CRONTASK_RUN, "run-1");
    OwnerReference owner = task.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getApiVersion()).isEqualTo("kubetask.io/v1alpha1");
    assertThat(owner.getKind()).isEqualTo("CronTask");
    assertThat(owner.getName()).isEqualTo("daily-report");
    assertThat(owner.getUid()).isEqualTo("uid-7");
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getBlockOwnerDeletion()).isTrue();
    assertThat(CronTaskTasks.ownedBy(task, "uid-7")).isTrue();
    assertThat(CronTaskTasks.ownedBy(task, "uid-8")).isFalse();
  }

  @Test
  void longCronTaskNamesGetAShortenedLabelValue() {
    String name = "a".repeat(100);
    assertThat(CronTaskTasks.labelValue(name)).hasSizeLessThanOrEqualTo(63).startsWith("aaaa");
    assertThat(CronTaskTasks.labelValue("short")).isEqualTo("short");
  }

  private static Task done(CronTask cron, String name, String completed, String summary) {
    Task task = CronTaskFixtures.child(cron, name, TaskPhase.COMPLETED, completed, null);
    TaskStatus status = task.getStatus();
    task.setStatus(
        new TaskStatus(
            status.phase(),
            status.jobName(),
            status.startTime(),
            status.completionTime(),
            status.expirationTime(),
            status.conditions(),
            status.observedGeneration(),
            status.workflowId(),
            status.workflowUrl(),
            null,
            1,
            summary == null ? null : new TaskResult(summary, null, true)));
    return task;
  }

  @Test
  void aCronTaskThatPassesResultsHandsTheNewestCompletedResultToTheNextTask() {
    CronTask cron = cronTask("team", "daily-report", "uid-7", ConcurrencyPolicy.FORBID);
    List<Task> children =
        List.of(
            done(cron, "daily-report-1", "2024-12-08T09:05:00Z", "Monday's report."),
            done(cron, "daily-report-2", "2024-12-09T09:05:00Z", "Tuesday's report."),
            done(cron, "daily-report-3", "2024-12-10T09:05:00Z", null), // wrote no result
            CronTaskFixtures.child(
                cron, "daily-report-4", TaskPhase.FAILED, "2024-12-11T09:05:00Z", null));

    assertThat(CronTaskTasks.previousResult(cron, children)).isNull(); // passResult is off

    cron.setSpec(
        new CronTaskSpec(
            cron.getSpec().schedule(),
            null,
            null,
            ConcurrencyPolicy.FORBID,
            false,
            2,
            1,
            cron.getSpec().taskTemplate(),
            true));
    String previous = CronTaskTasks.previousResult(cron, children);
    assertThat(previous).isEqualTo("{\"summary\":\"Tuesday's report.\",\"goalAchieved\":true}");

    Task next =
        CronTaskTasks.desired(
            cron,
            new CronTaskFire(new CronTaskRef("team", "daily-report", "uid-7"), 1733821200L, "run"),
            previous);
    assertThat(next.getSpec().contexts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path()).isEqualTo("/workspace/previous-result.json");
              assertThat(c.file().source().inline()).isEqualTo(previous);
            });
    assertThat(next.getSpec().agentRef()).isEqualTo("claude");
  }
}
