package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.workflows.capacity.CapacityQueue;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.Times;
import io.kubetask.workflows.result.AgentResults;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The status merge patches of a Task: the fields the workflow's activities own, and what the
 * operator records of the agent's pod while the Job runs ({@link #progress}). Each is built from
 * the Task as read and the time the caller passes in. An empty result means the status already says
 * it, so nothing is written and no Event recorded.
 */
public final class TaskStatusPatches {
  private TaskStatusPatches() {}

  /** The workflow that drives the Task, recorded on it when it becomes Pending or Running. */
  record WorkflowLink(String workflowId, String workflowUrl) {}

  /** Pending with Ready False saying why, unless the Task already says exactly that. */
  static Optional<Map<String, Object>> pending(
      Task task, WorkflowLink link, String reason, String message, Instant now) {
    TaskStatus status = status(task);
    boolean unchanged =
        status.phase() == TaskPhase.PENDING
            && ConditionLists.find(status.conditions(), Conditions.READY)
                .map(c -> reason.equals(c.getReason()) && message.equals(c.getMessage()))
                .orElse(false);
    if (unchanged) {
      return Optional.empty();
    }
    ConditionSetter setter = new ConditionSetter(task, now);
    Map<String, Object> patch = identity(task, link);
    patch.put("phase", TaskPhase.PENDING);
    patch.put("queuePosition", null);
    patch.put(
        "conditions", setter.set(status.conditions(), Conditions.READY, "False", reason, message));
    return Optional.of(patch);
  }

  /**
   * Queued with Ready False saying what the Task waits for and its place, unless the Task already
   * says exactly that.
   */
  static Optional<Map<String, Object>> queued(
      Task task, WorkflowLink link, CapacityQueue.Place place, Instant now) {
    TaskStatus status = status(task);
    boolean unchanged =
        status.phase() == TaskPhase.QUEUED
            && Objects.equals(status.queuePosition(), place.position())
            && ConditionLists.find(status.conditions(), Conditions.READY)
                .map(
                    c ->
                        place.reason().equals(c.getReason())
                            && place.message().equals(c.getMessage()))
                .orElse(false);
    if (unchanged) {
      return Optional.empty();
    }
    ConditionSetter setter = new ConditionSetter(task, now);
    Map<String, Object> patch = identity(task, link);
    patch.put("phase", TaskPhase.QUEUED);
    patch.put("queuePosition", place.position());
    patch.put(
        "conditions",
        setter.set(
            status.conditions(), Conditions.READY, "False", place.reason(), place.message()));
    return Optional.of(patch);
  }

  /**
   * What the agent reported: {@code result} and condition GoalAchieved, unless the Task already
   * says exactly that.
   */
  static Optional<Map<String, Object>> result(
      Task task, AgentResults.Reading reading, Instant now) {
    TaskStatus status = status(task);
    boolean unchanged =
        Objects.equals(status.result(), reading.result())
            && ConditionLists.find(status.conditions(), Conditions.GOAL_ACHIEVED)
                .map(
                    c ->
                        reading.goal().equals(c.getStatus())
                            && reading.reason().equals(c.getReason())
                            && reading.message().equals(c.getMessage()))
                .orElse(false);
    if (unchanged) {
      return Optional.empty();
    }
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("result", reading.result());
    patch.put("conditions", goal(new ConditionSetter(task, now), status.conditions(), reading));
    return Optional.of(patch);
  }

  /** The conditions with GoalAchieved as the agent's report says. */
  private static List<Condition> goal(
      ConditionSetter setter, List<Condition> conditions, AgentResults.Reading reading) {
    return setter.set(
        conditions, Conditions.GOAL_ACHIEVED, reading.goal(), reading.reason(), reading.message());
  }

  /** The message of the Ready condition and the Event when the Job runs the agent. */
  static String runningMessage(String jobName, String image) {
    return runningMessage(jobName, image, null);
  }

  /** The same, saying who approved the run when one was required. */
  static String runningMessage(String jobName, String image, String approver) {
    return "Job "
        + jobName
        + " runs the agent (image "
        + image
        + ")."
        + (approver == null ? "" : " Approved by " + approver + ".");
  }

  /**
   * Running with its Job, unless the Task is Running already. Succeeded stays Unknown and says what
   * the agent's pod does (see {@link #progress}): at first, that the Job has yet to create it.
   */
  static Optional<Map<String, Object>> running(
      Task task, WorkflowLink link, String jobName, String image, Instant now) {
    return running(task, link, jobName, image, null, now);
  }

  /** {@link #running} of a Task that someone approved. */
  static Optional<Map<String, Object>> running(
      Task task, WorkflowLink link, String jobName, String image, String approver, Instant now) {
    TaskStatus status = status(task);
    if (status.phase() == TaskPhase.RUNNING) {
      return Optional.empty();
    }
    ConditionSetter setter = new ConditionSetter(task, now);
    List<Condition> conditions =
        setter.set(
            status.conditions(),
            Conditions.READY,
            "True",
            Conditions.JOB_CREATED,
            runningMessage(jobName, image, approver));
    conditions =
        setter.set(
            conditions,
            Conditions.SUCCEEDED,
            "Unknown",
            Conditions.POD_PENDING,
            AgentProgress.awaitingPod(jobName).message());
    Map<String, Object> patch = identity(task, link);
    patch.put("phase", TaskPhase.RUNNING);
    patch.put("jobName", jobName);
    patch.put("queuePosition", null);
    patch.put("attempts", 1);
    // Whole seconds, as Kubernetes writes times and as completionTime is written.
    patch.put(
        "startTime",
        status.startTime() != null ? status.startTime() : wholeSeconds(now).toString());
    patch.put("conditions", conditions);
    return Optional.of(patch);
  }

  /**
   * Succeeded Unknown saying what the agent's pod does, unless the Task says so already or is no
   * longer Running. The operator writes it, from its pod cache, while the Job runs.
   */
  public static Optional<Map<String, Object>> progress(
      Task task, AgentProgress progress, Instant now) {
    TaskStatus status = status(task);
    if (status.phase() != TaskPhase.RUNNING || progress.isShownOn(status.conditions())) {
      return Optional.empty();
    }
    return Optional.of(
        conditionPatch(
            task, now, Conditions.SUCCEEDED, "Unknown", progress.reason(), progress.message()));
  }

  /** A patch that sets one condition, the others as they are. */
  private static Map<String, Object> conditionPatch(
      Task task, Instant now, String type, String value, String reason, String message) {
    return Map.of(
        "conditions",
        new ConditionSetter(task, now)
            .set(status(task).conditions(), type, value, reason, message));
  }

  /** The message of the HumanInTheLoop condition and the Event when the window opens. */
  static String windowOpenMessage(Task task, long closesAtEpochMillis) {
    return "The agent command has ended; its container stays for kubectl exec until "
        + Instant.ofEpochMilli(closesAtEpochMillis)
        + ". End the window early: kubectl annotate task "
        + task.getMetadata().getName()
        + " -n "
        + task.getMetadata().getNamespace()
        + " "
        + KubeTaskAnnotations.RELEASE
        + "=true";
  }

  /** HumanInTheLoop True until the window's closing time. */
  static Map<String, Object> windowOpened(Task task, long closesAtEpochMillis, Instant now) {
    return conditionPatch(
        task,
        now,
        Conditions.HUMAN_IN_THE_LOOP,
        "True",
        Conditions.WINDOW_OPEN,
        windowOpenMessage(task, closesAtEpochMillis));
  }

  /** HumanInTheLoop False now that the pod is released, unless the window is not open. */
  static Optional<Map<String, Object>> windowClosed(Task task, Instant now) {
    List<Condition> conditions = status(task).conditions();
    if (!ConditionLists.isTrue(conditions, Conditions.HUMAN_IN_THE_LOOP)) {
      return Optional.empty();
    }
    return Optional.of(
        conditionPatch(
            task,
            now,
            Conditions.HUMAN_IN_THE_LOOP,
            "False",
            Conditions.WINDOW_CLOSED,
            "The keep-alive window closed at " + now + "."));
  }

  /**
   * When the Task finished: as recorded, or now. Whole seconds, as Kubernetes writes times:
   * expirationTime is then exactly completionTime + TTL.
   */
  static Instant completion(TaskStatus status, Instant now) {
    Instant recorded = Times.instant(status.completionTime());
    return recorded != null ? recorded : wholeSeconds(now);
  }

  /**
   * Completed or Failed with the outcome, the {@link #completion} time and the expiry, and with
   * what the agent reported ({@link #result}) unless {@code reading} is null: the Task says how it
   * ended and what the agent left behind in one write. A window still open closes with the Task,
   * and a Task that never had a Job says on Ready why it never ran.
   */
  static Map<String, Object> finished(
      Task task, AgentResults.Reading reading, Outcome outcome, Expiry expiry, Instant now) {
    ConditionSetter setter = new ConditionSetter(task, now);
    TaskStatus status = status(task);
    Instant completion = completion(status, now);
    List<Condition> conditions = status.conditions();
    Map<String, Object> patch = new LinkedHashMap<>();
    if (reading != null) {
      patch.put("result", reading.result());
      conditions = goal(setter, conditions, reading);
    }
    if (!ConditionLists.isTrue(conditions, Conditions.READY) && status.jobName() == null) {
      // Failed before a Job existed: Ready says why it never ran.
      conditions =
          setter.set(conditions, Conditions.READY, "False", outcome.reason(), outcome.message());
    }
    if (ConditionLists.isTrue(conditions, Conditions.HUMAN_IN_THE_LOOP)) {
      // The window ended with the Task (stopped, or the pod ended on its own before the release).
      conditions =
          setter.set(
              conditions,
              Conditions.HUMAN_IN_THE_LOOP,
              "False",
              Conditions.WINDOW_CLOSED,
              "The keep-alive window closed at " + completion + ": the Task finished.");
    }
    conditions =
        setter.set(
            conditions,
            Conditions.SUCCEEDED,
            outcome.succeeded() ? "True" : "False",
            outcome.reason(),
            outcome.message());
    patch.put("phase", outcome.succeeded() ? TaskPhase.COMPLETED : TaskPhase.FAILED);
    patch.put("completionTime", completion.toString());
    patch.put("expirationTime", expirationTime(expiry));
    patch.put("conditions", conditions);
    return patch;
  }

  /** The expiration time of a changed TTL, unless the status already has it. */
  static Optional<Map<String, Object>> expiry(TaskStatus status, Expiry expiry) {
    String expirationTime = expirationTime(expiry);
    if (Objects.equals(expirationTime, status.expirationTime())) {
      return Optional.empty();
    }
    Map<String, Object> patch = new LinkedHashMap<>();
    // A null removes the field: cleanup is disabled.
    patch.put("expirationTime", expirationTime);
    return Optional.of(patch);
  }

  /**
   * From startTime to completionTime, or null when the agent never started. Both are whole seconds
   * now, but Tasks started by earlier versions carry a startTime with fractions, and replicas'
   * clocks may differ by a little: a run of less than a second counts as zero, never as negative.
   */
  static Duration runTime(TaskStatus status, Instant completion) {
    Instant start = Times.instant(status.startTime());
    if (start == null) {
      return null;
    }
    Duration runTime = Duration.between(start, completion);
    return runTime.isNegative() ? Duration.ZERO : runTime;
  }

  /** The Task's status, or an empty one when it has none yet. */
  public static TaskStatus status(Task task) {
    return task.getStatus() == null
        ? new TaskStatus(null, null, null, null, null, null, null, null, null)
        : task.getStatus();
  }

  /** Status fields that tie the Task to its workflow. */
  private static Map<String, Object> identity(Task task, WorkflowLink link) {
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("observedGeneration", task.getMetadata().getGeneration());
    patch.put("workflowId", link.workflowId());
    patch.put("workflowUrl", link.workflowUrl());
    return patch;
  }

  private static String expirationTime(Expiry expiry) {
    return expiry.disabled()
        ? null
        : Instant.ofEpochMilli(expiry.expiresAtEpochMillis()).toString();
  }

  /** Sets conditions as the Task's current generation observes them at one time. */
  private record ConditionSetter(Long generation, Instant now) {
    ConditionSetter(Task task, Instant now) {
      this(task.getMetadata().getGeneration(), now);
    }

    List<Condition> set(
        List<Condition> conditions, String type, String value, String reason, String message) {
      return ConditionLists.set(conditions, type, value, reason, message, generation, now);
    }
  }

  private static Instant wholeSeconds(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS);
  }
}
