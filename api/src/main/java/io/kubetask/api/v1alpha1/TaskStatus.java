package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Condition;
import io.kubetask.crd.DeepMerge;
import java.util.List;

/** What KubeTask observed of a Task. Written by the Task's workflow. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@SchemaCustomizer(value = DeepMerge.class, input = Conditions.SCHEMA)
public record TaskStatus(
    @JsonPropertyDescription("Queued, Pending, Running, Completed or Failed.") TaskPhase phase,
    @JsonPropertyDescription("Name of the Job that runs the agent.") String jobName,
    @JsonPropertyDescription("When the Job was created (RFC 3339).") String startTime,
    @JsonPropertyDescription("When the Task reached Completed or Failed (RFC 3339).")
        String completionTime,
    @JsonPropertyDescription(
            "When KubeTask deletes this finished Task, from completionTime and"
                + " KubeTaskConfig ttlSecondsAfterFinished (RFC 3339). Absent while running or"
                + " when cleanup is disabled.")
        String expirationTime,
    @JsonPropertyDescription(
            "Conditions: Ready (False with AgentNotFound, ContextNotFound, ... while the Task"
                + " cannot start; True once its Job exists), Succeeded (Unknown while running,"
                + " then True or False with the reason and the agent's exit code),"
                + " HumanInTheLoop (True while the keep-alive window is open).")
        List<Condition> conditions,
    @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Id of the Temporal workflow that drives this Task.")
        String workflowId,
    @JsonPropertyDescription("Link to the workflow in the Temporal Web UI, when configured.")
        String workflowUrl,
    @JsonPropertyDescription(
            "While Queued: the Task's place in the queue it waits in (1 starts next).")
        Integer queuePosition,
    @JsonPropertyDescription(
            "How many pods the agent's Job has run: more than 1 when a disrupted pod was run"
                + " again (Agent infrastructureRetries).")
        Integer attempts,
    @JsonPropertyDescription(
            "What the agent reported in its result file (KUBETASK_RESULT_FILE), at most 4 KiB;"
                + " condition GoalAchieved says whether it reached its goal.")
        TaskResult result) {

  /** A status with the fields the first KubeTask had. */
  public TaskStatus(
      TaskPhase phase,
      String jobName,
      String startTime,
      String completionTime,
      String expirationTime,
      List<Condition> conditions,
      Long observedGeneration,
      String workflowId,
      String workflowUrl) {
    this(
        phase,
        jobName,
        startTime,
        completionTime,
        expirationTime,
        conditions,
        observedGeneration,
        workflowId,
        workflowUrl,
        null,
        null,
        null);
  }
}
