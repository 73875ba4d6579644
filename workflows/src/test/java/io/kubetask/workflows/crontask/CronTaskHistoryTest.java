package io.kubetask.workflows.crontask;

import static io.kubetask.workflows.crontask.CronTaskFixtures.child;
import static io.kubetask.workflows.crontask.CronTaskFixtures.cronTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTaskHistoryTest {
  private static final CronTask CRON = cronTask("ns", "c", "u", ConcurrencyPolicy.FORBID);

  private static Task done(String name, String completed) {
    return child(CRON, name, TaskPhase.COMPLETED, completed, "2025-01-01T00:00:00Z");
  }

  private static Task failed(String name, String completed) {
    return child(CRON, name, TaskPhase.FAILED, completed, "2025-01-01T00:00:00Z");
  }

  private static List<String> names(List<Task> tasks) {
    return tasks.stream().map(t -> t.getMetadata().getName()).toList();
  }

  @Test
  void keepsTheNewestOfEachKindWithinItsLimit() {
    List<Task> tasks =
        List.of(
            done("c-1", "2025-01-01T01:00:00Z"),
            done("c-3", "2025-01-01T03:00:00Z"),
            done("c-2", "2025-01-01T02:00:00Z"),
            done("c-4", "2025-01-01T04:00:00Z"),
            failed("c-5", "2025-01-01T05:00:00Z"),
            failed("c-6", "2025-01-01T06:00:00Z"),
            failed("c-7", "2025-01-01T00:30:00Z"),
            child(CRON, "c-8", TaskPhase.RUNNING, null, "2025-01-01T00:00:00Z"),
            child(CRON, "c-9", TaskPhase.PENDING, null, "2025-01-01T00:00:00Z"),
            child(CRON, "c-10", null, null, "2025-01-01T00:00:00Z"));

    assertThat(names(CronTaskHistory.toDelete(tasks, 2, 1)))
        .containsExactly("c-2", "c-1", "c-5", "c-7");
  }

  @Test
  void finishingOrderDecidesNotNames() {
    // c-2 was scheduled later but finished first: it is the older of the two.
    List<Task> tasks =
        List.of(done("c-1", "2025-01-01T05:00:00Z"), done("c-2", "2025-01-01T04:00:00Z"));
    assertThat(names(CronTaskHistory.toDelete(tasks, 1, 1))).containsExactly("c-2");
  }

  @Test
  void tiesAreBrokenByCreationThenName() {
    String same = "2025-01-01T05:00:00Z";
    List<Task> tasks =
        List.of(
            child(CRON, "c-a", TaskPhase.COMPLETED, same, "2025-01-01T00:00:02Z"),
            child(CRON, "c-b", TaskPhase.COMPLETED, same, "2025-01-01T00:00:01Z"),
            child(CRON, "c-c", TaskPhase.COMPLETED, same, "2025-01-01T00:00:01Z"));
    // Newest first: c-a (created last), then c-c before c-b (same creation, name descending).
    assertThat(names(CronTaskHistory.toDelete(tasks, 1, 1))).containsExactly("c-c", "c-b");
    assertThat(names(CronTaskHistory.toDelete(tasks, 2, 1))).containsExactly("c-b");
  }

  @Test
  void zeroKeepsNoneAndNullMeansTheDefaults() {
    List<Task> tasks =
        List.of(
            done("c-1", "2025-01-01T01:00:00Z"),
            done("c-2", "2025-01-01T02:00:00Z"),
            done("c-3", "2025-01-01T03:00:00Z"),
            done("c-4", "2025-01-01T04:00:00Z"),
            failed("c-5", "2025-01-01T05:00:00Z"),
            failed("c-6", "2025-01-01T06:00:00Z"));
    assertThat(names(CronTaskHistory.toDelete(tasks, 0, 0)))
        .containsExactlyInAnyOrder("c-1", "c-2", "c-3", "c-4", "c-5", "c-6");
    assertThat(names(CronTaskHistory.toDelete(tasks, null, null))).containsExactly("c-1", "c-5");
  }

  @Test
  void aMissingCompletionTimeCountsAsOldest() {
    List<Task> tasks = List.of(done("c-1", null), done("c-2", "2025-01-01T02:00:00Z"));
    assertThat(names(CronTaskHistory.toDelete(tasks, 1, 1))).containsExactly("c-1");
  }
}
