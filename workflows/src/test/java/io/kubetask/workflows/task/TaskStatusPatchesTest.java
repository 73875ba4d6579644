package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.workflows.capacity.CapacityQueue;
import io.kubetask.workflows.result.AgentResults;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The status patches as they go on the wire: each one is serialized as the activities serialize it
 * and compared with the JSON fields it must carry.
 */
class TaskStatusPatchesTest {
  /** A time with fractions of a second: the patches write whole seconds where they say so. */
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00.400Z");

  private static final String EARLIER = "2025-06-01T11:00:00Z";
  private static final TaskStatusPatches.WorkflowLink LINK =
      new TaskStatusPatches.WorkflowLink(
          "task/team-a/fix-bug/uid-1", "http://ui/namespaces/default/workflows/task%2Fteam-a");

  private static Task task(TaskStatus status) {
    Task task = new Task("team-a", "fix-bug", new TaskSpec(List.of(), "coder"));
    task.getMetadata().setUid(AgentRuns.UID);
    task.getMetadata().setGeneration(3L);
    task.setStatus(status);
    return task;
  }

  private static TaskStatus status(
      TaskPhase phase, String jobName, String startTime, Condition... conditions) {
    return new TaskStatus(
        phase, jobName, startTime, null, null, List.of(conditions), 2L, "wf", null);
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(2L)
        .withLastTransitionTime(EARLIER)
        .build();
  }

  /** Ready as a Running Task has it, written for generation 2. */
  private static Condition jobCreated() {
    return condition("Ready", "True", "JobCreated", "job");
  }

  /** {@link #jobCreated()} on the wire, as the patches keep it. */
  private static Map<String, Object> wireJobCreated() {
    return wireCondition("Ready", "True", "JobCreated", "job", 2, EARLIER);
  }

  private static Task runningTask(Condition... conditions) {
    return task(status(TaskPhase.RUNNING, "fix-bug-3f2a9c1e", EARLIER, conditions));
  }

  private static Task pendingTask(Condition... conditions) {
    return task(status(TaskPhase.PENDING, null, null, conditions));
  }

  /** The JSON of a condition as it goes on the wire. */
  private static Map<String, Object> wireCondition(
      String type, String status, String reason, String message, int generation, String since) {
    return Map.of(
        "type",
        type,
        "status",
        status,
        "reason",
        reason,
        "message",
        message,
        "observedGeneration",
        generation,
        "lastTransitionTime",
        since);
  }

  /** The patch as the activities send it: JSON, read back as plain maps and lists. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> wire(Map<String, Object> patch) {
    return Serialization.unmarshal(Serialization.asJson(patch), Map.class);
  }

  private static Map<String, Object> wire(Optional<Map<String, Object>> patch) {
    assertThat(patch).isPresent();
    return wire(patch.get());
  }

  // ---- pending --------------------------------------------------------------------------------

  @Test
  void pendingRecordsWhyTheTaskWaitsAndItsWorkflow() {
    Map<String, Object> patch =
        wire(TaskStatusPatches.pending(task(null), LINK, "AgentNotFound", "no agent", NOW));

    // A Task that leaves the queue (its Agent was deleted) no longer has a place in it.
    assertThat(patch).containsEntry("queuePosition", null);
    patch.remove("queuePosition");
    assertThat(patch)
        .isEqualTo(
            Map.of(
                "phase",
                "Pending",
                "observedGeneration",
                3,
                "workflowId",
                "task/team-a/fix-bug/uid-1",
                "workflowUrl",
                "http://ui/namespaces/default/workflows/task%2Fteam-a",
                "conditions",
                List.of(
                    wireCondition(
                        "Ready",
                        "False",
                        "AgentNotFound",
                        "no agent",
                        3,
                        "2025-06-01T12:00:00Z"))));
  }

  @Test
  void pendingWithTheSameReasonAndMessageWritesNothing() {
    Task task = pendingTask(condition("Ready", "False", "AgentNotFound", "no agent"));

    assertThat(TaskStatusPatches.pending(task, LINK, "AgentNotFound", "no agent", NOW)).isEmpty();
  }

  @Test
  void pendingForAnotherReasonKeepsTheTransitionTime() {
    Task task = pendingTask(condition("Ready", "False", "AgentNotFound", "no agent"));

    Map<String, Object> patch =
        wire(TaskStatusPatches.pending(task, LINK, "ContextNotFound", "no ConfigMap", NOW));

    assertThat(patch.get("conditions"))
        .isEqualTo(
            List.of(
                wireCondition("Ready", "False", "ContextNotFound", "no ConfigMap", 3, EARLIER)));
    assertThat(wire(TaskStatusPatches.pending(task, LINK, "AgentNotFound", "other", NOW)))
        .containsEntry("phase", "Pending");
  }

  @Test
  void pendingAfterAnotherPhaseIsWrittenEvenWithTheSameCondition() {
    Task task =
        task(
            status(
                TaskPhase.RUNNING,
                null,
                null,
                condition("Ready", "False", "AgentNotFound", "no agent")));

    assertThat(wire(TaskStatusPatches.pending(task, LINK, "AgentNotFound", "no agent", NOW)))
        .containsEntry("phase", "Pending");
  }

  // ---- queued ---------------------------------------------------------------------------------

  private static final CapacityQueue.Place THIRD =
      new CapacityQueue.Place(
          false, "AgentAtCapacity", 3, "3rd of 7 waiting for Agent coder: 2/2 running.");

  @Test
  void queuedRecordsWhatTheTaskWaitsForAndItsPlace() {
    Map<String, Object> patch = wire(TaskStatusPatches.queued(task(null), LINK, THIRD, NOW));

    assertThat(patch)
        .containsEntry("phase", "Queued")
        .containsEntry("queuePosition", 3)
        .containsEntry("workflowId", "task/team-a/fix-bug/uid-1")
        .containsEntry(
            "conditions",
            List.of(
                wireCondition(
                    "Ready",
                    "False",
                    "AgentAtCapacity",
                    "3rd of 7 waiting for Agent coder: 2/2 running.",
                    3,
                    "2025-06-01T12:00:00Z")));
  }

  @Test
  void queuedWritesNothingWhenTheTaskStandsThereAlready() {
    Task task =
        task(
            new TaskStatus(
                TaskPhase.QUEUED,
                null,
                null,
                null,
                null,
                List.of(condition("Ready", "False", THIRD.reason(), THIRD.message())),
                2L,
                "wf",
                null,
                3,
                null,
                null));

    assertThat(TaskStatusPatches.queued(task, LINK, THIRD, NOW)).isEmpty();
    CapacityQueue.Place second =
        new CapacityQueue.Place(
            false, "AgentAtCapacity", 2, "2nd of 6 waiting for Agent coder: 2/2 running.");
    assertThat(wire(TaskStatusPatches.queued(task, LINK, second, NOW)))
        .containsEntry("queuePosition", 2);
  }

  // ---- running --------------------------------------------------------------------------------

  @Test
  void runningRecordsTheJobAndAStartTimeInWholeSeconds() {
    Task task = pendingTask(condition("Ready", "False", "AgentNotFound", "no agent"));
    Map<String, Object> patch =
        wire(
            TaskStatusPatches.running(
                task, LINK, "fix-bug-3f2a9c1e", "ghcr.io/example/coder:2", NOW));

    assertThat(patch).containsEntry("queuePosition", null);
    patch.remove("queuePosition");
    assertThat(patch)
        .isEqualTo(
            Map.of(
                "phase",
                "Running",
                "jobName",
                "fix-bug-3f2a9c1e",
                "attempts",
                1,
                "startTime",
                "2025-06-01T12:00:00Z",
                "observedGeneration",
                3,
                "workflowId",
                "task/team-a/fix-bug/uid-1",
                "workflowUrl",
                "http://ui/namespaces/default/workflows/task%2Fteam-a",
                "conditions",
                List.of(
                    wireCondition(
                        "Ready",
                        "True",
                        "JobCreated",
                        "Job fix-bug-3f2a9c1e runs the agent (image ghcr.io/example/coder:2).",
                        3,
                        "2025-06-01T12:00:00Z"),
                    wireCondition(
                        "Succeeded",
                        "Unknown",
                        "PodPending",
                        "Waiting for Job fix-bug-3f2a9c1e to create the agent's pod.",
                        3,
                        "2025-06-01T12:00:00Z"))));
    assertThat(TaskStatusPatches.runningMessage("fix-bug-3f2a9c1e", "ghcr.io/example/coder:2"))
        .isEqualTo("Job fix-bug-3f2a9c1e runs the agent (image ghcr.io/example/coder:2).");
  }

  @Test
  void runningAgainKeepsTheFirstStartTime() {
    // A status written by an earlier attempt that did not reach Running (or an older version).
    Task task = task(status(TaskPhase.PENDING, null, "2025-06-01T11:30:00.250Z"));

    Map<String, Object> patch =
        wire(TaskStatusPatches.running(task, LINK, "fix-bug-3f2a9c1e", "agent:1", NOW));

    assertThat(patch).containsEntry("startTime", "2025-06-01T11:30:00.250Z");
  }

  @Test
  void runningOfARunningTaskWritesNothing() {
    Task task = runningTask();

    assertThat(TaskStatusPatches.running(task, LINK, "fix-bug-3f2a9c1e", "agent:1", NOW)).isEmpty();
  }

  @Test
  void withoutAWebUiTheWorkflowUrlIsRemoved() {
    Map<String, Object> patch =
        wire(
            TaskStatusPatches.running(
                task(null),
                new TaskStatusPatches.WorkflowLink("wf-1", null),
                "fix-bug-3f2a9c1e",
                "agent:1",
                NOW));

    assertThat(patch).containsEntry("workflowId", "wf-1").containsEntry("workflowUrl", null);
  }

  // ---- keep-alive window ----------------------------------------------------------------------

  @Test
  void windowOpenedSaysUntilWhenAndHowToEndItEarly() {
    Task task = runningTask(jobCreated());
    long closesAt = Instant.parse("2025-06-01T12:10:00Z").toEpochMilli();
    String message =
        "The agent command has ended; its container stays for kubectl exec until"
            + " 2025-06-01T12:10:00Z. End the window early: kubectl annotate task fix-bug -n"
            + " team-a kubetask.io/release=true";

    Map<String, Object> patch = wire(TaskStatusPatches.windowOpened(task, closesAt, NOW));

    assertThat(patch)
        .isEqualTo(
            Map.of(
                "conditions",
                List.of(
                    wireJobCreated(),
                    wireCondition(
                        "HumanInTheLoop",
                        "True",
                        "WindowOpen",
                        message,
                        3,
                        "2025-06-01T12:00:00Z"))));
    assertThat(TaskStatusPatches.windowOpenMessage(task, closesAt)).isEqualTo(message);
  }

  @Test
  void windowClosedSaysWhen() {
    Task task = runningTask(condition("HumanInTheLoop", "True", "WindowOpen", "open"));

    Map<String, Object> patch = wire(TaskStatusPatches.windowClosed(task, NOW));

    assertThat(patch)
        .isEqualTo(
            Map.of(
                "conditions",
                List.of(
                    wireCondition(
                        "HumanInTheLoop",
                        "False",
                        "WindowClosed",
                        "The keep-alive window closed at 2025-06-01T12:00:00.400Z.",
                        3,
                        "2025-06-01T12:00:00Z"))));
  }

  @Test
  void windowClosedOfAWindowThatIsNotOpenWritesNothing() {
    Task closed = runningTask(condition("HumanInTheLoop", "False", "WindowClosed", "closed"));

    assertThat(TaskStatusPatches.windowClosed(closed, NOW)).isEmpty();
    assertThat(TaskStatusPatches.windowClosed(task(null), NOW)).isEmpty();
  }

  // ---- finished -------------------------------------------------------------------------------

  @Test
  void finishedWritesThePhaseWholeSecondTimesAndTheOutcome() {
    Task task =
        runningTask(
            jobCreated(), condition("Succeeded", "Unknown", "Running", "The agent is running."));
    Expiry expiry = Expiry.at(Instant.parse("2025-06-08T12:00:00Z").toEpochMilli());

    Map<String, Object> patch =
        wire(
            TaskStatusPatches.finished(
                task, null, Outcome.succeeded("Completed", "The agent finished."), expiry, NOW));

    assertThat(patch)
        .isEqualTo(
            Map.of(
                "phase",
                "Completed",
                "completionTime",
                "2025-06-01T12:00:00Z",
                "expirationTime",
                "2025-06-08T12:00:00Z",
                "conditions",
                List.of(
                    wireJobCreated(),
                    wireCondition(
                        "Succeeded",
                        "True",
                        "Completed",
                        "The agent finished.",
                        3,
                        "2025-06-01T12:00:00Z"))));
  }

  @Test
  void finishedAgainKeepsTheRecordedCompletionTime() {
    TaskStatus finished =
        new TaskStatus(
            TaskPhase.FAILED,
            "fix-bug-3f2a9c1e",
            EARLIER,
            "2025-06-01T11:20:00Z",
            null,
            List.of(condition("Succeeded", "False", "Failed", "code 3")),
            3L,
            "wf",
            null);

    Map<String, Object> patch =
        wire(
            TaskStatusPatches.finished(
                task(finished), null, Outcome.failed("Failed", "code 3"), Expiry.never(), NOW));

    assertThat(patch).containsEntry("phase", "Failed");
    assertThat(patch).containsEntry("completionTime", "2025-06-01T11:20:00Z");
    assertThat(patch.get("conditions"))
        .isEqualTo(List.of(wireCondition("Succeeded", "False", "Failed", "code 3", 3, EARLIER)));
  }

  @Test
  void finishedWithCleanupDisabledRemovesTheExpirationTime() {
    Map<String, Object> patch =
        wire(
            TaskStatusPatches.finished(
                runningTask(), null, Outcome.succeeded("Completed", "ok"), Expiry.never(), NOW));

    assertThat(patch).containsKey("expirationTime").containsEntry("expirationTime", null);
  }

  @Test
  void finishedWithWhatTheAgentReportedWritesTheResultAndTheEndTogether() {
    var reading =
        new AgentResults.Reading(null, "Unknown", "NoResult", "The agent wrote no result.");

    Map<String, Object> patch =
        wire(
            TaskStatusPatches.finished(
                runningTask(), reading, Outcome.succeeded("Completed", "ok"), Expiry.never(), NOW));

    assertThat(patch).containsEntry("phase", "Completed").containsEntry("result", null);
    assertThat(patch.get("conditions"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .contains(
            wireCondition(
                "GoalAchieved",
                "Unknown",
                "NoResult",
                "The agent wrote no result.",
                3,
                "2025-06-01T12:00:00Z"),
            wireCondition("Succeeded", "True", "Completed", "ok", 3, "2025-06-01T12:00:00Z"));
  }

  @Test
  void finishedBeforeAnyJobSaysOnReadyWhyTheTaskNeverRan() {
    Task task = pendingTask(condition("Ready", "False", "AgentNotFound", "no agent"));
    Outcome stopped = Outcome.failed("Stopped", "Stopped on request (Stopped).");
    Expiry expiry = Expiry.at(Instant.parse("2025-06-08T12:00:00Z").toEpochMilli());

    Map<String, Object> patch = wire(TaskStatusPatches.finished(task, null, stopped, expiry, NOW));

    assertThat(patch.get("conditions"))
        .isEqualTo(
            List.of(
                wireCondition(
                    "Ready", "False", "Stopped", "Stopped on request (Stopped).", 3, EARLIER),
                wireCondition(
                    "Succeeded",
                    "False",
                    "Stopped",
                    "Stopped on request (Stopped).",
                    3,
                    "2025-06-01T12:00:00Z")));
    assertThat(patch).containsEntry("phase", "Failed");
  }

  /** The conditions that finishing {@code task} with {@code outcome} writes. */
  private static Object finishedConditions(Task task, Outcome outcome) {
    return wire(TaskStatusPatches.finished(task, null, outcome, Expiry.never(), NOW))
        .get("conditions");
  }

  @Test
  void finishedWithoutAJobButWithAReadyConditionLeavesReadyAsItIs() {
    // Ready True (a Job was created) or a jobName: the Task did run.
    Task ready =
        task(status(TaskPhase.RUNNING, null, EARLIER, condition("Ready", "True", "a", "b")));
    Task withJob = runningTask(condition("Ready", "False", "JobCreationFailed", "b"));
    Outcome failed = Outcome.failed("Failed", "code 1");
    Map<String, Object> succeeded =
        wireCondition("Succeeded", "False", "Failed", "code 1", 3, "2025-06-01T12:00:00Z");

    assertThat(finishedConditions(ready, failed))
        .isEqualTo(List.of(wireCondition("Ready", "True", "a", "b", 2, EARLIER), succeeded));
    assertThat(finishedConditions(withJob, failed))
        .isEqualTo(
            List.of(
                wireCondition("Ready", "False", "JobCreationFailed", "b", 2, EARLIER), succeeded));
  }

  @Test
  void finishedClosesAWindowThatIsStillOpenAtTheCompletionTime() {
    Task task =
        runningTask(jobCreated(), condition("HumanInTheLoop", "True", "WindowOpen", "open"));

    assertThat(finishedConditions(task, Outcome.failed("Stopped", "stopped")))
        .isEqualTo(
            List.of(
                wireJobCreated(),
                wireCondition(
                    "HumanInTheLoop",
                    "False",
                    "WindowClosed",
                    "The keep-alive window closed at 2025-06-01T12:00:00Z: the Task finished.",
                    3,
                    "2025-06-01T12:00:00Z"),
                wireCondition(
                    "Succeeded", "False", "Stopped", "stopped", 3, "2025-06-01T12:00:00Z")));
  }

  @Test
  void finishedLeavesAClosedWindowAsItIs() {
    Task task =
        runningTask(jobCreated(), condition("HumanInTheLoop", "False", "WindowClosed", "closed"));

    assertThat(finishedConditions(task, Outcome.succeeded("Completed", "ok")))
        .isEqualTo(
            List.of(
                wireJobCreated(),
                wireCondition("HumanInTheLoop", "False", "WindowClosed", "closed", 2, EARLIER),
                wireCondition("Succeeded", "True", "Completed", "ok", 3, "2025-06-01T12:00:00Z")));
  }

  @Test
  void completionIsTheRecordedTimeOrNowInWholeSeconds() {
    assertThat(TaskStatusPatches.completion(TaskStatusPatches.status(task(null)), NOW))
        .isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
    TaskStatus finished =
        new TaskStatus(
            TaskPhase.COMPLETED, null, null, "2025-06-01T11:20:00Z", null, null, null, null, null);
    assertThat(TaskStatusPatches.completion(finished, NOW))
        .isEqualTo(Instant.parse("2025-06-01T11:20:00Z"));
  }

  // ---- expiry ---------------------------------------------------------------------------------

  private static TaskStatus expiring(String expirationTime) {
    return new TaskStatus(
        TaskPhase.COMPLETED, null, null, EARLIER, expirationTime, null, 3L, "wf", null);
  }

  @Test
  void expiryWritesAChangedExpirationTime() {
    Expiry expiry = Expiry.at(Instant.parse("2025-06-01T11:01:00Z").toEpochMilli());

    assertThat(wire(TaskStatusPatches.expiry(expiring("2025-06-08T11:00:00Z"), expiry)))
        .isEqualTo(Map.of("expirationTime", "2025-06-01T11:01:00Z"));
    assertThat(wire(TaskStatusPatches.expiry(expiring(null), expiry)))
        .isEqualTo(Map.of("expirationTime", "2025-06-01T11:01:00Z"));
  }

  @Test
  void expiryWithCleanupDisabledRemovesTheExpirationTime() {
    Map<String, Object> removed = new HashMap<>();
    removed.put("expirationTime", null);

    assertThat(wire(TaskStatusPatches.expiry(expiring("2025-06-08T11:00:00Z"), Expiry.never())))
        .isEqualTo(removed);
  }

  @Test
  void expiryThatTheStatusAlreadyHasWritesNothing() {
    assertThat(
            TaskStatusPatches.expiry(
                expiring("2025-06-08T11:00:00Z"),
                Expiry.at(Instant.parse("2025-06-08T11:00:00Z").toEpochMilli())))
        .isEmpty();
    assertThat(TaskStatusPatches.expiry(expiring(null), Expiry.never())).isEmpty();
  }

  // ---- run time and status --------------------------------------------------------------------

  @Test
  void runTimeIsFromStartToCompletionAndNeverNegative() {
    Instant completion = Instant.parse("2025-06-01T12:00:00Z");

    assertThat(TaskStatusPatches.runTime(started(null), completion)).isNull();
    assertThat(TaskStatusPatches.runTime(started("2025-06-01T11:57:30Z"), completion))
        .isEqualTo(Duration.ofSeconds(150));
    assertThat(TaskStatusPatches.runTime(started("2025-06-01T12:00:00Z"), completion))
        .isEqualTo(Duration.ZERO);
    // An earlier version wrote startTime with fractions: within the second, the run counts as 0.
    assertThat(TaskStatusPatches.runTime(started("2025-06-01T12:00:00.700Z"), completion))
        .isEqualTo(Duration.ZERO);
  }

  private static TaskStatus started(String startTime) {
    return new TaskStatus(null, null, startTime, null, null, null, null, null, null);
  }

  @Test
  void aTaskWithoutStatusHasAnEmptyOne() {
    assertThat(TaskStatusPatches.status(task(null)))
        .isEqualTo(new TaskStatus(null, null, null, null, null, null, null, null, null));
    TaskStatus status = started(EARLIER);
    assertThat(TaskStatusPatches.status(task(status))).isSameAs(status);
  }
}
