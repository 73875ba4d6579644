package io.kubetask.workflows.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.workflows.crontask.CronTaskActivities;
import io.kubetask.workflows.crontask.CronTaskFire;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.crontask.CronTaskRunContinuation;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.crontask.FireResult;
import io.kubetask.workflows.task.Expiry;
import io.kubetask.workflows.task.JobObservation;
import io.kubetask.workflows.task.Outcome;
import io.kubetask.workflows.task.StartResult;
import io.kubetask.workflows.task.TaskActivities;
import io.kubetask.workflows.task.TaskRef;
import io.kubetask.workflows.task.TaskWorkflow;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record that crosses Temporal survives the default data converter unchanged. */
class DataConverterRoundTripTest {
  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  static List<Record> samples() {
    Outcome failed = Outcome.failed("Failed", "The agent exited with code 3 (Error).");
    return List.of(
        new TaskRef("team-a", "fix-bug", "3f2a9c1e-7b4d-4e8a-9c0d-1e2f3a4b5c6d"),
        new TaskRef("ns", "n", null),
        new CronTaskRef("team-a", "nightly", "c0ffee00-0000-4000-8000-000000000000"),
        Outcome.succeeded("Completed", "The agent finished successfully."),
        failed,
        new Outcome(false, null, null),
        new Outcome(true, "Completed", "ünïcode ✓ \"quoted\" \n newline"),
        StartResult.created("fix-bug-3f2a9c1e", 3600, "crontask-run/team-a/nightly/1735689600"),
        StartResult.adopted("fix-bug-3f2a9c1e", 0, null),
        StartResult.blocked(null),
        StartResult.invalid(Outcome.failed("ContextTooLarge", "too large"), "run"),
        StartResult.finished("run"),
        StartResult.finished(null),
        StartResult.gone(),
        JobObservation.running(),
        JobObservation.agentDone(),
        JobObservation.agentDone(1767261605000L),
        JobObservation.finished(failed),
        JobObservation.finished(Outcome.succeeded("Completed", "ok")),
        Expiry.at(1_735_689_600_123L),
        Expiry.at(0),
        Expiry.never(),
        Expiry.gone(),
        new CronTaskFire(
            new CronTaskRef("team-a", "nightly", "c0ffee00-0000-4000-8000-000000000000"),
            1_735_689_600L,
            "crontask-run/team-a/nightly-2025-01-01T00:00:00Z"),
        FireResult.created("nightly-1735689600", "uid-1"),
        FireResult.exists("nightly-1735689600", "uid-1"),
        FireResult.duplicate("nightly-1735689600", "uid-2"),
        FireResult.gone(),
        FireResult.rejected(),
        FireResult.skipped(),
        new CronTaskRunContinuation(
            new CronTaskFire(
                new CronTaskRef("team-a", "nightly", "c0ffee00-0000-4000-8000-000000000000"),
                1_735_689_600L,
                "crontask-run/team-a/nightly-2025-01-01T00:00:00Z"),
            FireResult.created("nightly-1735689600", "uid-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  @SuppressWarnings("unchecked")
  void roundTrips(Record value) {
    Class<Record> type = (Class<Record>) value.getClass();
    Optional<Payloads> payloads = CONVERTER.toPayloads(value);

    Record back = CONVERTER.fromPayloads(0, payloads, type, type);

    assertThat(back).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void onlyRecordComponentsEnterHistory(Record value) throws IOException {
    String json =
        CONVERTER
            .toPayloads(value)
            .orElseThrow()
            .getPayloads(0)
            .getData()
            .toString(StandardCharsets.UTF_8);
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    Set<String> fields = new java.util.HashSet<>();
    tree.fieldNames().forEachRemaining(fields::add);
    Set<String> components =
        Arrays.stream(value.getClass().getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toSet());

    // Derived methods (workflowId(), scheduleId(), disabled(), taskName()) must not become history
    // fields.
    assertThat(components).containsAll(fields);
  }

  @Test
  void everyRecordThatCrossesTemporalHasASample() {
    Set<String> records =
        Stream.of(
                TaskWorkflow.class,
                TaskActivities.class,
                CronTaskRunWorkflow.class,
                CronTaskActivities.class)
            .flatMap(type -> Arrays.stream(type.getMethods()))
            .flatMap(
                m -> Stream.concat(Stream.of(m.getReturnType()), Stream.of(m.getParameterTypes())))
            .filter(Class::isRecord)
            .map(Class::getSimpleName)
            .collect(Collectors.toSet());
    Set<String> sampled =
        samples().stream().map(r -> r.getClass().getSimpleName()).collect(Collectors.toSet());

    assertThat(records).contains("TaskRef", "StartResult", "CronTaskFire", "FireResult");
    assertThat(sampled).containsAll(records);
  }
}
