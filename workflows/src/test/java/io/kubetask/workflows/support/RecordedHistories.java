package io.kubetask.workflows.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The workflow histories kept in {@code src/test/resources/histories}: recorded with the workflow
 * code of an earlier release and replayed against the current code.
 */
public final class RecordedHistories {
  public static final Path DIR = Path.of("src/test/resources/histories");

  private RecordedHistories() {}

  /** The names of the kept histories that start with {@code prefix}, sorted. */
  public static List<String> named(String prefix) {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(prefix) && n.endsWith(".json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path file(String name) {
    return DIR.resolve(name);
  }

  public static WorkflowExecutionHistory read(Path file) throws IOException {
    return WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** How many events of {@code type} the history holds. */
  public static long events(Path file, EventType type) throws IOException {
    return read(file).getEvents().stream().filter(e -> e.getEventType() == type).count();
  }

  /**
   * The activities (regular or local) a history ran, in order; the history must end with the
   * workflow's completion or its continuing as new, so that a truncated recording is caught.
   */
  public static List<String> activities(Path file) throws IOException {
    WorkflowExecutionHistory history = read(file);
    assertThat(history.getLastEvent().getEventType())
        .as("the last event of %s", file)
        .isIn(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    return history.getEvents().stream()
        .map(RecordedHistories::activityType)
        .filter(Objects::nonNull)
        .toList();
  }

  /** The signals the history's workflow received, in order. */
  public static List<String> signals(Path file) throws IOException {
    return read(file).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
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

  /**
   * With {@code -Dhistory.record=true}, writes the history of every run of the workflow's
   * continue-as-new chain to {@code target/recorded-histories/<name>-<n>.json} (n from 1, oldest
   * first), to be added under a new name to the histories that the next change of the workflow must
   * replay; kept ones are never overwritten.
   */
  public static void recordIfAsked(WorkflowClient client, String workflowId, String name)
      throws IOException {
    if (!Boolean.getBoolean("history.record")) {
      return;
    }
    List<WorkflowExecutionHistory> runs = runs(client, workflowId);
    Path dir = Path.of("target/recorded-histories");
    Files.createDirectories(dir);
    for (int i = 0; i < runs.size(); i++) {
      Files.writeString(
          dir.resolve(name + "-" + (i + 1) + ".json"),
          runs.get(i).toJson(true),
          StandardCharsets.UTF_8);
    }
  }

  /**
   * The number of history events of each run of a workflow, following its continue-as-new chain
   * back from the newest run; oldest first.
   */
  public static List<Integer> runLengths(WorkflowClient client, String workflowId) {
    return runs(client, workflowId).stream().map(h -> h.getEvents().size()).toList();
  }

  /** The history of each run of a workflow's continue-as-new chain, oldest first. */
  private static List<WorkflowExecutionHistory> runs(WorkflowClient client, String workflowId) {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    String runId = null;
    do {
      WorkflowExecutionHistory history =
          runId == null ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, runId);
      runs.add(0, history);
      runId =
          history
              .getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    return runs;
  }
}
