package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.kubetask.api.schema.ApiRules;
import java.util.List;
import java.util.Map;

/** The agent configuration shared by the Tasks that use this Agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "!has(self.humanInTheLoop) || !self.humanInTheLoop.enabled"
            + " || (has(self.command) && size(self.command) > 0)",
    message =
        "humanInTheLoop.enabled requires command: KubeTask runs the command and then keeps the"
            + " container alive")
@ValidationRule(
    value = ApiRules.CREDENTIAL_FILES_READABLE,
    message = ApiRules.CREDENTIAL_FILES_READABLE_MSG)
public record AgentSpec(
    @Size(max = 1024)
        @JsonPropertyDescription(
            "Container image of the agent. Default: the worker's built-in default image.")
        String agentImage,
    @Size(min = 1, max = 256)
        @JsonPropertyDescription(
            "Command (argv) of the agent container. Default: the image's entrypoint. Required"
                + " with humanInTheLoop.")
        List<String> command,
    @JsonPropertyDescription(
            "Keeps the agent container alive after the command ends, so a human can 'kubectl"
                + " exec' into it.")
        HumanInTheLoop humanInTheLoop,
    @Size(max = ApiRules.MAX_CONTEXTS)
        @ValidationRule(
            value = ApiRules.UNIQUE_CONTEXT_PATHS,
            message = ApiRules.UNIQUE_CONTEXT_PATHS_MSG)
        @JsonPropertyDescription(
            "Contexts given to every Task of this Agent, before the Task's own contexts. A Task"
                + " context with the same path replaces the default.")
        List<Context> defaultContexts,
    @Size(max = 64)
        @JsonPropertyDescription(
            "Secret keys given to the agent as environment variables and/or files.")
        List<Credential> credentials,
    @JsonPropertyDescription(
            "Labels added to agent pods (e.g. for NetworkPolicies). KubeTask's own labels win"
                + " on the same key.")
        Map<String, String> podLabels,
    @JsonPropertyDescription("Node selector, tolerations and affinity of agent pods.")
        PodScheduling scheduling,
    @Required
        @Size(min = 1, max = 253)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        @JsonPropertyDescription("ServiceAccount the agent pods run as.")
        String serviceAccountName,
    @Size(max = 32)
        @Pattern(ApiRules.DURATION)
        @ValidationRule(
            value = ApiRules.AT_LEAST_A_SECOND,
            message = ApiRules.AT_LEAST_A_SECOND_MSG)
        @JsonPropertyDescription(
            "How long the agent may take to start: from its Job's creation until the agent"
                + " container runs (e.g. 90s, 15m, 1h). Past it the Job is deleted and the Task"
                + " fails with reason StartTimeout, saying why the pod never ran (Unschedulable,"
                + " ImagePullBackOff, ...). A Task may set its own. Default: 15m.")
        String startTimeout,
    @Size(max = 32)
        @Pattern(ApiRules.DURATION)
        @ValidationRule(
            value = ApiRules.AT_LEAST_A_SECOND,
            message = ApiRules.AT_LEAST_A_SECOND_MSG)
        @JsonPropertyDescription(
            "How long the agent may run: from when its container runs until the agent command"
                + " ends (the humanInTheLoop window does not count). Past it the Job is deleted"
                + " and the Task fails with reason DeadlineExceeded. A Task may set its own."
                + " Default: no limit.")
        String timeout,
    @ValidationRule(value = ApiRules.NON_ROOT_NOT_UID_0, message = ApiRules.NON_ROOT_NOT_UID_0_MSG)
        @JsonPropertyDescription(
            "Security context of agent pods (a Kubernetes PodSecurityContext): runAsUser,"
                + " runAsGroup, runAsNonRoot, fsGroup, seccompProfile, ... With fsGroup the"
                + " kubelet gives credential files that group and makes them group-readable, so"
                + " a non-root user can read them. Default: none.")
        PodSecurityContext podSecurityContext,
    @ValidationRule(value = ApiRules.NON_ROOT_NOT_UID_0, message = ApiRules.NON_ROOT_NOT_UID_0_MSG)
        @JsonPropertyDescription(
            "Security context of the agent container (a Kubernetes SecurityContext):"
                + " allowPrivilegeEscalation, capabilities, readOnlyRootFilesystem, runAsUser,"
                + " seccompProfile, ... With readOnlyRootFilesystem the agent can still write to"
                + " /workspace and /tmp, which are emptyDirs. Default: none.")
        SecurityContext securityContext,
    @Min(1)
        @JsonPropertyDescription(
            "How many Tasks of this Agent may run at once in its namespace. Further Tasks wait"
                + " in phase Queued (reason AgentAtCapacity), ordered by priority and then"
                + " creation time, and start as slots free. Default: no limit.")
        Integer maxConcurrentTasks,
    @JsonPropertyDescription(
            "Whether every Task of this Agent waits for a person's approval before its agent"
                + " starts (a Task may set its own). Default: none.")
        Approval approval,
    @Min(0)
        @Max(10)
        @JsonPropertyDescription(
            "How many times an agent whose pod was disrupted (evicted, preempted, its node"
                + " lost: the pod condition DisruptionTarget) runs again in a new pod. An agent"
                + " that exits by itself, with any code, is never run again. Default: 1.")
        Integer infrastructureRetries,
    @PreserveUnknownFields
        @JsonPropertyDescription(
            "A JSON Schema the agent's result (the JSON object it writes to"
                + " KUBETASK_RESULT_FILE) must match. With it a result is required: a missing or"
                + " non-matching one sets condition GoalAchieved=False. Default: none.")
        JsonNode resultSchema) {

  public static final int DEFAULT_INFRASTRUCTURE_RETRIES = 1;

  /** An Agent with the fields the first KubeTask had, and the deadlines. */
  public AgentSpec(
      String agentImage,
      List<String> command,
      HumanInTheLoop humanInTheLoop,
      List<Context> defaultContexts,
      List<Credential> credentials,
      Map<String, String> podLabels,
      PodScheduling scheduling,
      String serviceAccountName,
      String startTimeout,
      String timeout) {
    this(
        agentImage,
        command,
        humanInTheLoop,
        defaultContexts,
        credentials,
        podLabels,
        scheduling,
        serviceAccountName,
        startTimeout,
        timeout,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** An Agent with the fields the first KubeTask had. */
  public AgentSpec(
      String agentImage,
      List<String> command,
      HumanInTheLoop humanInTheLoop,
      List<Context> defaultContexts,
      List<Credential> credentials,
      Map<String, String> podLabels,
      PodScheduling scheduling,
      String serviceAccountName) {
    this(
        agentImage,
        command,
        humanInTheLoop,
        defaultContexts,
        credentials,
        podLabels,
        scheduling,
        serviceAccountName,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** How many times a disrupted agent runs again. */
  public int infrastructureRetriesOrDefault() {
    return infrastructureRetries == null ? DEFAULT_INFRASTRUCTURE_RETRIES : infrastructureRetries;
  }

  public boolean humanInTheLoopEnabled() {
    return humanInTheLoop != null && Boolean.TRUE.equals(humanInTheLoop.enabled());
  }
}
