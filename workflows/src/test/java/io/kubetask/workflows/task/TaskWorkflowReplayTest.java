package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetask.workflows.support.RecordedHistories;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays recorded histories against the current {@link TaskWorkflowImpl}: a change that would
 * break running workflows fails here.
 *
 * <p>Each history in {@code src/test/resources/histories/task-*.json} was recorded with the
 * workflow code as it was <em>before</em> a change, on a checkout of that code: a throwaway test
 * drives that code's workflow on the time-skipping test environment with mocked activities (as
 * {@code TaskWorkflowTest} does), and writes {@code client.fetchHistory(id).toJson(true)} once the
 * workflow has completed ({@code TaskWorkflowTest#oneMinuteTaskUsesFewHistoryEvents} does it with
 * {@code -Dhistory.record=true}, into target/). The files are kept as they are and never
 * re-recorded with the new code: a recording made with the code under test proves nothing about the
 * workflows that run today. A new workflow version adds new files next to the old ones. When a
 * history stops replaying, the change needs a {@code Workflow.getVersion}; the history stays.
 *
 * <p>{@link #EXPECTED} says what each file recorded, so that a truncated or wrong recording is
 * caught, and a file without an entry fails.
 */
class TaskWorkflowReplayTest {
  /**
   * Recorded before the start activity said whether it created the Job: such a workflow looks at
   * its Job at once, as it still does for a Job it adopts.
   */
  static final Path HAPPY_PATH = RecordedHistories.file("task-happy-path.json");

  /**
   * The start activity created the Job, so the first look waits for the operator's jobChanged; the
   * activities are local.
   */
  static final Path CREATED_JOB = RecordedHistories.file("task-happy-path-created-job.json");

  /** What a recorded history ran: its activities and the signals it received, in order. */
  record Recorded(List<String> activities, List<String> signals) {}

  private static final String START = "Task.Start";
  private static final String OBSERVE = "Task.ObserveJob";
  private static final String WINDOW_OPENED = "Task.WindowOpened";
  private static final String RELEASE_POD = "Task.ReleasePod";
  private static final String DELETE_JOB = "Task.DeleteJob";
  private static final String FINISH = "Task.Finish";
  private static final String REFRESH_EXPIRY = "Task.RefreshExpiry";
  private static final String DELETE_TASK = "Task.DeleteTask";

  /** Every kept history of the Task workflow, by file name. */
  static final Map<String, Recorded> EXPECTED =
      Map.ofEntries(
          Map.entry(
              "task-happy-path.json",
              new Recorded(
                  List.of(START, OBSERVE, OBSERVE, FINISH, DELETE_TASK), List.of("jobChanged"))),
          Map.entry(
              "task-happy-path-created-job.json",
              new Recorded(List.of(START, OBSERVE, FINISH, DELETE_TASK), List.of("jobChanged"))),
          // Version 4, recorded before the look that finds the Job finished also finished the
          // Task: a Finish activity follows it.
          Map.entry(
              "task-happy-path-finished-apart.json",
              new Recorded(List.of(START, OBSERVE, FINISH, DELETE_TASK), List.of("jobChanged"))),
          // Three jobChanged signals served by one re-check timer (version 3), no TTL.
          Map.entry(
              "task-kept-recheck-timer.json",
              new Recorded(
                  List.of(START, OBSERVE, OBSERVE, OBSERVE, FINISH),
                  List.of("jobChanged", "jobChanged", "jobChanged"))),
          // Blocked on a missing Agent until the operator's dependenciesChanged; the Job created
          // then is first looked at on jobChanged; deleted when the five-minute TTL passes.
          Map.entry(
              "task-blocked-then-started.json",
              new Recorded(
                  List.of(START, START, OBSERVE, FINISH, DELETE_TASK),
                  List.of("dependenciesChanged", "jobChanged"))),
          // No signal at all: the re-checks of the blocked start fire after 1, 2, 4 and 8
          // minutes, then the one-minute re-check of the created Job; cleanup disabled.
          Map.entry(
              "task-blocked-rechecked.json",
              new Recorded(List.of(START, START, START, START, START, OBSERVE, FINISH), List.of())),
          // Stopped (Replaced) while the agent runs: the Job is deleted; its CronTask run is gone,
          // so the taskFinished signal to it fails.
          Map.entry(
              "task-stopped-while-running.json",
              new Recorded(List.of(START, OBSERVE, DELETE_JOB, FINISH), List.of("stop"))),
          // Stopped (with no reason) while blocked: there is no Job to delete.
          Map.entry(
              "task-stopped-while-blocked.json",
              new Recorded(List.of(START, FINISH), List.of("stop"))),
          // A 600-second keep-alive window, released by a human: one more look, then the pod
          // is let go and the Job finishes.
          Map.entry(
              "task-keep-alive-released.json",
              new Recorded(
                  List.of(
                      START,
                      OBSERVE,
                      OBSERVE,
                      WINDOW_OPENED,
                      OBSERVE,
                      RELEASE_POD,
                      OBSERVE,
                      FINISH),
                  List.of("jobChanged", "release", "jobChanged"))),
          // The same window left to close: re-checks after 1, 2 and 4 minutes, then a wake-up at
          // the closing time, which lets the pod go.
          Map.entry(
              "task-keep-alive-expired.json",
              new Recorded(
                  List.of(
                      START,
                      OBSERVE,
                      OBSERVE,
                      WINDOW_OPENED,
                      OBSERVE,
                      OBSERVE,
                      OBSERVE,
                      OBSERVE,
                      RELEASE_POD,
                      OBSERVE,
                      FINISH),
                  List.of("jobChanged", "jobChanged"))),
          // Re-created for a Task that had finished: the TTL is armed, moved by configChanged,
          // and the Task is deleted when the moved deadline passes.
          Map.entry(
              "task-ttl-rearmed.json",
              new Recorded(
                  List.of(START, REFRESH_EXPIRY, REFRESH_EXPIRY, DELETE_TASK),
                  List.of("configChanged"))),
          // Contexts too large: finished at once.
          Map.entry("task-invalid.json", new Recorded(List.of(START, FINISH), List.of())),
          // Continued as new (the first and the last run of each chain, 400-event bound):
          // blocked for 200 re-checks, then started; the runs between are like the first.
          Map.entry(
              "task-blocked-continued-first.json", new Recorded(repeat(67, START), List.of())),
          Map.entry(
              "task-blocked-continued-last.json",
              new Recorded(concat(repeat(66, START), List.of(OBSERVE, FINISH)), List.of())),
          // Running for 72 hours: a continued run adopts the Job and looks at it at once.
          Map.entry(
              "task-running-continued-first.json",
              new Recorded(concat(List.of(START), repeat(66, OBSERVE)), List.of())),
          Map.entry(
              "task-running-continued-last.json",
              new Recorded(
                  concat(List.of(START), repeat(25, OBSERVE), List.of(FINISH)), List.of())),
          // Waiting 30 days for its TTL while its KubeTaskConfig changes hourly: a continued run
          // finds the Task finished and only re-arms the TTL.
          Map.entry(
              "task-ttl-continued-first.json",
              new Recorded(
                  concat(List.of(START, OBSERVE, FINISH), repeat(57, REFRESH_EXPIRY)),
                  repeat(57, "configChanged"))),
          Map.entry(
              "task-ttl-continued-last.json",
              new Recorded(
                  concat(List.of(START), repeat(37, REFRESH_EXPIRY), List.of(DELETE_TASK)),
                  repeat(36, "configChanged"))));

  private static List<String> repeat(int times, String name) {
    return Collections.nCopies(times, name);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    return Stream.of(parts).flatMap(List::stream).toList();
  }

  static List<String> taskHistories() {
    return RecordedHistories.named("task-");
  }

  @Test
  void happyPathHistoriesReplay() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(HAPPY_PATH.toFile(), TaskWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(CREATED_JOB.toFile(), TaskWorkflowImpl.class);
  }

  @Test
  void recordedHistoriesAreTheFullHappyPaths() throws Exception {
    assertThat(RecordedHistories.activities(HAPPY_PATH))
        .containsExactly(
            "Task.Start", "Task.ObserveJob", "Task.ObserveJob", "Task.Finish", "Task.DeleteTask");
    assertThat(RecordedHistories.activities(CREATED_JOB))
        .containsExactly("Task.Start", "Task.ObserveJob", "Task.Finish", "Task.DeleteTask");
    assertThat(RecordedHistories.events(CREATED_JOB, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .isZero();
  }

  @Test
  void everyKeptHistoryIsExpected() {
    assertThat(taskHistories()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taskHistories")
  void recordedHistoryReplays(String name) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        RecordedHistories.file(name).toFile(), TaskWorkflowImpl.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taskHistories")
  void recordedHistoryIsTheWholeScenario(String name) throws Exception {
    Recorded expected = EXPECTED.get(name);
    assertThat(expected).as("what %s recorded (EXPECTED)", name).isNotNull();
    Path file = RecordedHistories.file(name);
    assertThat(RecordedHistories.activities(file)).containsExactlyElementsOf(expected.activities());
    assertThat(RecordedHistories.signals(file)).containsExactlyElementsOf(expected.signals());
  }

  /** A workflow that skips waiting for the Job: incompatible with the recorded history. */
  public static class SkipsTheJob implements TaskWorkflow {
    private final TaskActivities activities =
        Workflow.newActivityStub(
            TaskActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    @Override
    public void run(TaskRef task) {
      activities.start(task, null);
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
