package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.kubetask.workflows.task.JobObservation.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobOutcomesTest {

  /** A Job with the given conditions ("Type=Status[:Reason[:Message]]") and ready pod count. */
  static Job job(Integer ready, String... conditions) {
    var status = new io.fabric8.kubernetes.api.model.batch.v1.JobStatus();
    status.setReady(ready);
    List<io.fabric8.kubernetes.api.model.batch.v1.JobCondition> list = new ArrayList<>();
    for (String c : conditions) {
      String[] typeStatus = c.split("=", 2);
      String[] rest = typeStatus[1].split(":", 3);
      list.add(
          new JobConditionBuilder()
              .withType(typeStatus[0])
              .withStatus(rest[0])
              .withReason(rest.length > 1 ? rest[1] : null)
              .withMessage(rest.length > 2 ? rest[2] : null)
              .build());
    }
    status.setConditions(list);
    return new JobBuilder()
        .withNewMetadata()
        .withName("j")
        .endMetadata()
        .withStatus(status)
        .build();
  }

  static Pod pod(String container, int exitCode, String reason) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("j-abcde")
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName(container)
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withMessage("secret output of the agent")
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static Pod runningPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("j-abcde")
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("agent")
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // name, job, pods, keepAlive, state, succeeded, reason, message fragment
        Arguments.of(
            "gone",
            null,
            List.of(),
            false,
            State.FINISHED,
            false,
            "JobNotFound",
            "The Job j no longer exists"),
        Arguments.of(
            "no status",
            new JobBuilder().withNewMetadata().withName("j").endMetadata().build(),
            List.of(),
            false,
            State.RUNNING,
            null,
            null,
            null),
        Arguments.of("no conditions", job(null), List.of(), true, State.RUNNING, null, null, null),
        Arguments.of(
            "complete",
            job(0, "Complete=True"),
            List.of(),
            false,
            State.FINISHED,
            true,
            "Completed",
            "finished successfully"),
        Arguments.of(
            "complete with keep-alive",
            job(0, "SuccessCriteriaMet=True", "Complete=True"),
            List.of(),
            true,
            State.FINISHED,
            true,
            "Completed",
            null),
        Arguments.of(
            "complete is False",
            job(null, "Complete=False"),
            List.of(),
            false,
            State.RUNNING,
            null,
            null,
            null),
        Arguments.of(
            "success criteria met only",
            job(null, "SuccessCriteriaMet=True"),
            List.of(),
            false,
            State.RUNNING,
            null,
            null,
            null),
        Arguments.of(
            "failure target only",
            job(null, "FailureTarget=True:BackoffLimitExceeded"),
            List.of(),
            false,
            State.RUNNING,
            null,
            null,
            null),
        Arguments.of(
            "failed without pods",
            job(0, "Failed=True:BackoffLimitExceeded:Job has reached the specified backoff limit"),
            List.of(),
            false,
            State.FINISHED,
            false,
            "BackoffLimitExceeded",
            "The Job failed (BackoffLimitExceeded): Job has reached the specified backoff limit"),
        Arguments.of(
            "failed without reason",
            job(0, "Failed=True"),
            List.of(),
            false,
            State.FINISHED,
            false,
            "Failed",
            "The Job failed (Failed): The Job failed."),
        Arguments.of(
            "deadline exceeded",
            job(0, "Failed=True:DeadlineExceeded:Job was active longer than specified deadline"),
            List.of(runningPod()),
            false,
            State.FINISHED,
            false,
            "DeadlineExceeded",
            "active longer"),
        Arguments.of(
            "agent exit code 3",
            job(0, "Failed=True:BackoffLimitExceeded:x"),
            List.of(pod("agent", 3, "Error")),
            false,
            State.FINISHED,
            false,
            "Failed",
            "The agent exited with code 3 (Error)."),
        Arguments.of(
            "agent exit without reason",
            job(0, "Failed=True:BackoffLimitExceeded:x"),
            List.of(pod("agent", 2, null)),
            false,
            State.FINISHED,
            false,
            "Failed",
            "code 2 (Error)"),
        Arguments.of(
            "agent OOM killed",
            job(0, "Failed=True:BackoffLimitExceeded:x"),
            List.of(pod("agent", 137, "OOMKilled")),
            false,
            State.FINISHED,
            false,
            "OOMKilled",
            "code 137 (OOMKilled)"),
        Arguments.of(
            "sidecar failed, agent fine",
            job(0, "Failed=True:BackoffLimitExceeded:x"),
            List.of(pod("sidecar", 1, "Error"), pod("agent", 0, "Completed")),
            false,
            State.FINISHED,
            false,
            "BackoffLimitExceeded",
            "The Job failed (BackoffLimitExceeded): x"),
        Arguments.of(
            "failed beats ready",
            job(1, "Failed=True:BackoffLimitExceeded:x"),
            List.of(),
            true,
            State.FINISHED,
            false,
            "BackoffLimitExceeded",
            null),
        Arguments.of(
            "ready with keep-alive",
            job(1),
            List.of(runningPod()),
            true,
            State.AGENT_DONE,
            null,
            null,
            null),
        Arguments.of(
            "ready without keep-alive",
            job(1),
            List.of(runningPod()),
            false,
            State.RUNNING,
            null,
            null,
            null),
        Arguments.of(
            "not ready with keep-alive",
            job(0),
            List.of(runningPod()),
            true,
            State.RUNNING,
            null,
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void observe(
      String name,
      Job job,
      List<Pod> pods,
      boolean keepAlive,
      State state,
      Boolean succeeded,
      String reason,
      String message) {
    JobObservation seen = JobOutcomes.observe(job, pods, keepAlive, "j");

    assertThat(seen.state()).isEqualTo(state);
    if (state != State.FINISHED) {
      assertThat(seen.outcome()).isNull();
      assertThat(JobOutcomes.finished(job == null ? job(null) : job)).isFalse();
      return;
    }
    assertThat(seen.outcome().succeeded()).isEqualTo(succeeded);
    assertThat(seen.outcome().reason()).isEqualTo(reason).matches("[A-Z][A-Za-z]+");
    if (message != null) {
      assertThat(seen.outcome().message()).contains(message);
    }
    // The container's termination message is the agent's output: it never enters history.
    assertThat(seen.outcome().message()).doesNotContain("secret output");
    if (job != null) {
      assertThat(JobOutcomes.finished(job)).isTrue();
    }
  }

  static Pod readyPod(String since) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("j-abcde")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime("2026-01-01T09:00:00Z")
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastTransitionTime(since)
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void theWindowOpensWhenThePodTurnedReady() {
    JobObservation seen =
        JobOutcomes.observe(job(1), List.of(readyPod("2026-01-01T10:00:05Z")), true, "j");

    assertThat(seen)
        .isEqualTo(JobObservation.agentDone(Instant.parse("2026-01-01T10:00:05Z").toEpochMilli()));
  }

  @Test
  void aReadyJobWhosePodWasNotSeenOpensTheWindowAtAnUnknownTime() {
    assertThat(JobOutcomes.observe(job(1), List.of(), true, "j"))
        .isEqualTo(JobObservation.agentDone());
    assertThat(JobOutcomes.observe(job(1), List.of(runningPod()), true, "j"))
        .isEqualTo(JobObservation.agentDone());
  }

  // ---- deadlines ------------------------------------------------------------------------------

  private static Job limited(String startTimeout, String timeout, String... conditions) {
    Job job = job(null, conditions);
    job.getMetadata().setCreationTimestamp("2025-06-01T12:00:00Z");
    java.util.Map<String, String> annotations = new java.util.HashMap<>();
    annotations.put("kubetask.io/start-timeout-seconds", startTimeout);
    if (timeout != null) {
      annotations.put("kubetask.io/timeout-seconds", timeout);
    }
    job.getMetadata().setAnnotations(annotations);
    return job;
  }

  private static final long NOON = java.time.Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

  @Test
  void untilTheAgentRunsItsStartLimitCountsFromTheJobsCreation() {
    AgentProgress unschedulable =
        new AgentProgress("Unschedulable", "0/1 nodes are available.", null);

    JobObservation seen =
        JobOutcomes.observe(limited("300", "7200"), List.of(), unschedulable, false, "j");

    assertThat(seen)
        .isEqualTo(
            JobObservation.running(
                new JobObservation.Deadline(
                    NOON + 300_000,
                    Outcome.failed(
                        "StartTimeout",
                        "The agent did not start within 5m of Job j's creation; its pod:"
                            + " Unschedulable: 0/1 nodes are available."))));
  }

  @Test
  void onceTheAgentRunsItsRunLimitCountsFromItsStart() {
    AgentProgress running = new AgentProgress("Running", "The agent is running.", NOON + 7_000);

    assertThat(JobOutcomes.observe(limited("300", "5400"), List.of(), running, false, "j"))
        .isEqualTo(
            JobObservation.running(
                new JobObservation.Deadline(
                    NOON + 7_000 + 5_400_000,
                    Outcome.failed(
                        "DeadlineExceeded",
                        "The agent ran longer than its timeout of 1h30m and was stopped."))));
    assertThat(JobOutcomes.observe(limited("300", null), List.of(), running, false, "j"))
        .isEqualTo(JobObservation.running());
  }

  @Test
  void noDeadlineAppliesToAFinishedJobAnOpenWindowOrAJobWithoutLimits() {
    AgentProgress running = new AgentProgress("Running", "The agent is running.", NOON);

    assertThat(
            JobOutcomes.observe(
                    limited("300", "60", "Complete=True"), List.of(), running, false, "j")
                .deadline())
        .isNull();
    Job ready = limited("300", "60");
    ready.getStatus().setReady(1);
    assertThat(JobOutcomes.observe(ready, List.of(), running, true, "j").deadline()).isNull();
    assertThat(JobOutcomes.observe(job(null), List.of(), running, false, "j"))
        .isEqualTo(JobObservation.running());
  }

  @Test
  void durationsAreWrittenAsASpecWouldWriteThem() {
    assertThat(DurationText.of(900)).isEqualTo("15m");
    assertThat(DurationText.of(90)).isEqualTo("1m30s");
    assertThat(DurationText.of(5400)).isEqualTo("1h30m");
    assertThat(DurationText.of(3601)).isEqualTo("1h1s");
    assertThat(DurationText.of(0)).isEqualTo("0s");
  }

  /** A pod the infrastructure took away: DisruptionTarget, its container killed (137). */
  private static Pod disrupted(String name, String created) {
    Pod pod = pod("agent", 137, "Error");
    pod.getMetadata().setName(name);
    pod.getMetadata().setCreationTimestamp(created);
    pod.getStatus().setPhase("Failed");
    pod.getStatus()
        .setConditions(
            List.of(
                new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("EvictionByEvictionAPI")
                    .withMessage("Eviction API: evicting")
                    .build()));
    return pod;
  }

  @Test
  void aJobWhoseLastPodWasDisruptedFailsWithTheDisruption() {
    Job failed = job(null, "Failed=True:BackoffLimitExceeded:Job has reached the backoff limit");
    List<Pod> pods =
        List.of(
            disrupted("j-first", "2026-12-01T10:00:00Z"),
            disrupted("j-second", "2026-12-01T10:05:00Z"));

    JobObservation seen = JobOutcomes.observe(failed, pods, false, "j");

    assertThat(seen.outcome().reason()).isEqualTo("EvictionByEvictionAPI");
    assertThat(seen.outcome().message())
        .isEqualTo(
            "The agent's pod j-second was disrupted (EvictionByEvictionAPI: Eviction API:"
                + " evicting) and no infrastructure retry was left after 2 attempts.");
  }

  @Test
  void anAgentThatExitedAfterARetryFailsWithItsOwnExitCode() {
    Job failed = job(null, "Failed=True:PodFailurePolicy:Container agent failed");
    Pod second = pod("agent", 3, "Error");
    second.getMetadata().setName("j-second");
    second.getMetadata().setCreationTimestamp("2026-12-01T10:05:00Z");

    JobObservation seen =
        JobOutcomes.observe(
            failed, List.of(disrupted("j-first", "2026-12-01T10:00:00Z"), second), false, "j");

    assertThat(seen.outcome().message()).isEqualTo("The agent exited with code 3 (Error).");
    assertThat(seen.outcome().reason()).isEqualTo("Failed");
  }
}
