package io.kubetask.workflows.crontask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetask.workflows.support.RecordedHistories;
import io.kubetask.workflows.support.Waits;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.io.File;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays recorded histories of CronTask runs against the current {@link CronTaskRunWorkflowImpl}:
 * a change that would break runs in flight (a run lives as long as its Task) fails here.
 *
 * <p>The histories in {@code src/test/resources/histories/crontask-run-*.json} were recorded, as
 * the Task workflow's are (see {@code TaskWorkflowReplayTest}), with the workflow code as it was
 * before a change, on a checkout of that code, and are kept as they are: never re-recorded with the
 * new code. Each started the way a Schedule starts a run, with the {@code
 * TemporalScheduledStartTime} search attribute. {@link #EXPECTED} says what each recorded, so that
 * a truncated or wrong recording is caught.
 */
class CronTaskRunWorkflowReplayTest {
  /** What a recorded history ran: its activities and the signals it received, in order. */
  record Recorded(List<String> activities, List<String> signals) {}

  private static final String CREATE_TASK = "CronTask.CreateTask";
  private static final String TASK_FINISHED = "CronTask.TaskFinished";
  private static final String PRUNE_HISTORY = "CronTask.PruneHistory";

  /** Every kept history of the CronTask run workflow, by file name. */
  static final Map<String, Recorded> EXPECTED =
      Map.of(
          // The Task's workflow signals taskFinished; the Task has finished; history pruned.
          "crontask-run-created-and-finished.json",
          new Recorded(List.of(CREATE_TASK, TASK_FINISHED, PRUNE_HISTORY), List.of("taskFinished")),
          // No signal: the re-checks after 1 and 2 minutes find the Task running, then finished.
          "crontask-run-rechecked.json",
          new Recorded(
              List.of(CREATE_TASK, TASK_FINISHED, TASK_FINISHED, PRUNE_HISTORY), List.of()),
          // The CronTask is gone: no Task, nothing to wait for.
          "crontask-run-task-gone.json",
          new Recorded(List.of(CREATE_TASK), List.of()),
          // A Task that ran a day, no signal: 52 re-checks and 589 events, past the bound at which
          // runs now continue as new. Recorded before they did, it must replay without doing so.
          "crontask-run-waited-a-day.json",
          new Recorded(
              Stream.of(
                      Stream.of(CREATE_TASK),
                      Collections.nCopies(52, TASK_FINISHED).stream(),
                      Stream.of(PRUNE_HISTORY))
                  .flatMap(s -> s)
                  .toList(),
              List.of()),
          // A Task that ran seven days: the first run and the last of the 11 it continued into
          // (400-event bound); the continued runs create nothing and wait for the same Task.
          "crontask-run-continued-first.json",
          new Recorded(
              Stream.concat(Stream.of(CREATE_TASK), Collections.nCopies(36, TASK_FINISHED).stream())
                  .toList(),
              List.of()),
          "crontask-run-continued-last.json",
          new Recorded(
              Stream.concat(
                      Collections.nCopies(11, TASK_FINISHED).stream(), Stream.of(PRUNE_HISTORY))
                  .toList(),
              List.of()));

  static List<String> runHistories() {
    return RecordedHistories.named("crontask-run-");
  }

  @Test
  void everyKeptHistoryIsExpected() {
    assertThat(runHistories()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runHistories")
  void recordedHistoryReplays(String name) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        RecordedHistories.file(name).toFile(), CronTaskRunWorkflowImpl.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runHistories")
  void recordedHistoryIsTheWholeScenario(String name) throws Exception {
    Recorded expected = EXPECTED.get(name);
    assertThat(expected).as("what %s recorded (EXPECTED)", name).isNotNull();
    Path file = RecordedHistories.file(name);
    assertThat(RecordedHistories.activities(file)).containsExactlyElementsOf(expected.activities());
    assertThat(RecordedHistories.signals(file)).containsExactlyElementsOf(expected.signals());
  }

  /** A run that prunes without waiting for its Task: incompatible with the recorded histories. */
  public static class SkipsTheWait implements CronTaskRunWorkflow {
    private final CronTaskActivities activities =
        Workflow.newActivityStub(CronTaskActivities.class, Waits.clusterActivities().build());

    @Override
    public void run(CronTaskRef cronTask, CronTaskRunContinuation continued) {
      activities.createTask(
          new CronTaskFire(
              cronTask,
              Math.floorDiv(Workflow.currentTimeMillis(), 1000L),
              Workflow.getInfo().getWorkflowId()));
      activities.pruneHistory(cronTask);
    }

    @Override
    public void taskFinished() {}
  }

  @Test
  void replayDetectsAnIncompatibleChange() {
    File file = RecordedHistories.file("crontask-run-created-and-finished.json").toFile();
    assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(file, SkipsTheWait.class))
        .hasMessageContaining("NonDeterministicException");
  }
}
