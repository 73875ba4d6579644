package io.kubetask.api.v1alpha1;

/** Condition types and reasons of Tasks and CronTasks, and the schema of a conditions list. */
public final class Conditions {
  /** Schema keywords fabric8 cannot express for {@code List<Condition>}. */
  static final String SCHEMA =
      """
      {"properties":{"conditions":{
        "x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["type"],
        "items":{"required":["type","status"],"properties":{
          "lastTransitionTime":{"format":"date-time"},
          "status":{"enum":["True","False","Unknown"]}}}}}}
      """;

  // Task condition types.
  /** True once the Task's Agent and contexts resolved and its Job exists; False says why not. */
  public static final String READY = "Ready";

  /** Unknown while the Task runs, then True (Completed) or False (Failed) with the reason. */
  public static final String SUCCEEDED = "Succeeded";

  /** Whether the agent reached its goal, as its result says (separate from Succeeded). */
  public static final String GOAL_ACHIEVED = "GoalAchieved";

  /** True while the keep-alive window holds the agent container. */
  public static final String HUMAN_IN_THE_LOOP = "HumanInTheLoop";

  // Task condition reasons.
  public static final String PENDING = "Pending";
  public static final String AGENT_NOT_FOUND = "AgentNotFound";
  public static final String AGENT_AT_CAPACITY = "AgentAtCapacity";
  public static final String NAMESPACE_AT_CAPACITY = "NamespaceAtCapacity";
  public static final String RATE_LIMITED = "RateLimited";
  public static final String AWAITING_APPROVAL = "AwaitingApproval";
  public static final String APPROVED = "Approved";
  public static final String REJECTED = "Rejected";
  public static final String APPROVAL_TIMEOUT = "ApprovalTimeout";
  public static final String RETRYING = "Retrying";
  public static final String ACHIEVED = "Achieved";
  public static final String NOT_ACHIEVED = "NotAchieved";
  public static final String NOT_REPORTED = "NotReported";
  public static final String NO_RESULT = "NoResult";
  public static final String RESULT_INVALID = "ResultInvalid";
  public static final String RESULT_TOO_LARGE = "ResultTooLarge";
  public static final String CONTEXT_NOT_FOUND = "ContextNotFound";
  public static final String CONTEXT_TOO_LARGE = "ContextTooLarge";
  public static final String INVALID_CONTEXT = "InvalidContext";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String JOB_CREATED = "JobCreated";
  public static final String JOB_CREATION_FAILED = "JobCreationFailed";
  public static final String JOB_CONFLICT = "JobConflict";
  public static final String JOB_NOT_FOUND = "JobNotFound";
  public static final String RUNNING = "Running";
  public static final String POD_PENDING = "PodPending";
  public static final String UNSCHEDULABLE = "Unschedulable";
  public static final String POD_CREATION_FAILED = "PodCreationFailed";
  public static final String START_TIMEOUT = "StartTimeout";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String COMPLETED = "Completed";
  public static final String FAILED = "Failed";
  public static final String STOPPED = "Stopped";
  public static final String REPLACED = "Replaced";
  public static final String WINDOW_OPEN = "WindowOpen";
  public static final String WINDOW_CLOSED = "WindowClosed";

  // CronTask condition types and reasons.
  public static final String SCHEDULED = "Scheduled";
  public static final String SUSPENDED = "Suspended";
  public static final String INVALID_SCHEDULE = "InvalidSchedule";

  private Conditions() {}
}
