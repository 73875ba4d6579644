package io.kubetask.workflows.crontask;

import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.k8s.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Which finished Tasks of a CronTask its history limits leave out. */
public final class CronTaskHistory {
  public static final int DEFAULT_SUCCESSFUL_LIMIT = 3;
  public static final int DEFAULT_FAILED_LIMIT = 1;

  /** Newest first: by completionTime, then creationTimestamp, then name. */
  static final Comparator<Task> NEWEST_FIRST =
      Comparator.comparing(
              (Task t) -> time(t.getStatus() == null ? null : t.getStatus().completionTime()))
          .thenComparing(t -> time(t.getMetadata().getCreationTimestamp()))
          .thenComparing(t -> t.getMetadata().getName())
          .reversed();

  private CronTaskHistory() {}

  /**
   * The Tasks to delete: all Completed ones but the newest {@code keepSucceeded}, and all Failed
   * ones but the newest {@code keepFailed}. Pending and Running Tasks are never selected.
   */
  public static List<Task> toDelete(List<Task> tasks, Integer keepSucceeded, Integer keepFailed) {
    List<Task> result = new ArrayList<>();
    result.addAll(
        beyond(tasks, TaskPhase.COMPLETED, limit(keepSucceeded, DEFAULT_SUCCESSFUL_LIMIT)));
    result.addAll(beyond(tasks, TaskPhase.FAILED, limit(keepFailed, DEFAULT_FAILED_LIMIT)));
    return result;
  }

  private static List<Task> beyond(List<Task> tasks, TaskPhase phase, int keep) {
    List<Task> finished =
        tasks.stream()
            .filter(t -> t.getStatus() != null && t.getStatus().phase() == phase)
            .sorted(NEWEST_FIRST)
            .toList();
    return finished.size() <= keep ? List.of() : finished.subList(keep, finished.size());
  }

  private static int limit(Integer value, int fallback) {
    return value == null ? fallback : Math.max(0, value);
  }

  private static Instant time(String value) {
    return Objects.requireNonNullElse(Times.instant(value), Instant.MIN);
  }
}
