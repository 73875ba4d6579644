package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories against the current {@link TaskWorkflowImpl}: a change that would
 * break running workflows fails here. Re-record with {@code -Dhistory.update=true} on {@code
 * TaskWorkflowTest#oneMinuteTaskUsesFewHistoryEvents} only for a new workflow version, into a new
 * file, and keep the old ones.
 */
class TaskWorkflowReplayTest {
  /**
   * Recorded before the start activity said whether it created the Job: such a workflow looks at
   * its Job at once, as it still does for a Job it adopts.
   */
  static final Path HAPPY_PATH = Path.of("src/test/resources/histories/task-happy-path.json");

  /**
   * The start activity created the Job, so the first look waits for the operator's jobChanged; the
   * activities are local.
   */
  static final Path CREATED_JOB =
      Path.of("src/test/resources/histories/task-happy-path-created-job.json");

  @Test
  void happyPathHistoriesReplay() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(HAPPY_PATH.toFile(), TaskWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(CREATED_JOB.toFile(), TaskWorkflowImpl.class);
  }

  @Test
  void recordedHistoriesAreTheFullHappyPaths() throws Exception {
    assertThat(activities(HAPPY_PATH))
        .containsExactly(
            "Task.Start", "Task.ObserveJob", "Task.ObserveJob", "Task.Finish", "Task.DeleteTask");
    assertThat(activities(CREATED_JOB))
        .containsExactly("Task.Start", "Task.ObserveJob", "Task.Finish", "Task.DeleteTask");
    assertThat(events(CREATED_JOB, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).isZero();
  }

  private static long events(Path file, EventType type) throws Exception {
    return WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8))
        .getEvents()
        .stream()
        .filter(e -> e.getEventType() == type)
        .count();
  }

  /** The activities (regular or local) a completed history ran, in order. */
  private static List<String> activities(Path file) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    return history.getEvents().stream()
        .map(TaskWorkflowReplayTest::activityType)
        .filter(Objects::nonNull)
        .toList();
  }

  private static String activityType(HistoryEvent event) {
    if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      return event.getActivityTaskScheduledEventAttributes().getActivityType().getName();
    }
    if (event.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && event.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity")) {
      Payloads type = event.getMarkerRecordedEventAttributes().getDetailsOrThrow("type");
      return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
          0, Optional.of(type), String.class, String.class);
    }
    return null;
  }

  /** A workflow that skips waiting for the Job: incompatible with the recorded history. */
  public static class SkipsTheJob implements TaskWorkflow {
    private final TaskActivities activities =
        Workflow.newActivityStub(
            TaskActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    @Override
    public void run(TaskRef task) {
      activities.start(task);
      activities.finish(task, Outcome.succeeded("Completed", "skipped"));
    }

    @Override
    public void jobChanged() {}

    @Override
    public void dependenciesChanged() {}

    @Override
    public void release() {}

    @Override
    public void stop(String reason) {}

    @Override
    public void configChanged() {}
  }

  @Test
  void replayDetectsAnIncompatibleChange() {
    File file = HAPPY_PATH.toFile();
    assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(file, SkipsTheJob.class))
        .hasMessageContaining("NonDeterministicException");
  }
}
