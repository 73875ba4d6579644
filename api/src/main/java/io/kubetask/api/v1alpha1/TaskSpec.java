package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.kubetask.api.schema.ApiRules;
import java.util.List;

/** What a Task works on, and which Agent runs it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskSpec(
    @Required
        @Size(max = ApiRules.MAX_CONTEXTS)
        @ValidationRule(
            value = ApiRules.UNIQUE_CONTEXT_PATHS,
            message = ApiRules.UNIQUE_CONTEXT_PATHS_MSG)
        @JsonPropertyDescription(
            "Files and directories placed in the agent container. They are merged over the"
                + " Agent's defaultContexts: on the same path the Task's context wins.")
        List<Context> contexts,
    @Size(max = 253)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        @JsonPropertyDescription(
            "Name of the Agent in the Task's namespace that runs this Task. Default: 'default'."
                + " Without an Agent named 'default' the built-in default image runs under the"
                + " namespace's default ServiceAccount.")
        String agentRef,
    @Size(max = 32)
        @Pattern(ApiRules.DURATION)
        @ValidationRule(
            value = ApiRules.AT_LEAST_A_SECOND,
            message = ApiRules.AT_LEAST_A_SECOND_MSG)
        @JsonPropertyDescription(
            "How long the agent may take to start (Job created until the agent container"
                + " runs), e.g. 15m. Default: the Agent's startTimeout, else 15m.")
        String startTimeout,
    @Size(max = 32)
        @Pattern(ApiRules.DURATION)
        @ValidationRule(
            value = ApiRules.AT_LEAST_A_SECOND,
            message = ApiRules.AT_LEAST_A_SECOND_MSG)
        @JsonPropertyDescription(
            "How long the agent may run (container running until the agent command ends), e.g."
                + " 2h. Default: the Agent's timeout, else no limit.")
        String timeout,
    @JsonPropertyDescription(
            "Order among the Tasks that wait for a slot (Agent maxConcurrentTasks,"
                + " KubeTaskConfig capacity): higher first, then the oldest. Default: 0.")
        Integer priority,
    @JsonPropertyDescription(
            "Whether a person must approve the Task before its agent starts. Default: the"
                + " Agent's approval, else none.")
        Approval approval) {

  public TaskSpec(List<Context> contexts, String agentRef) {
    this(contexts, agentRef, null, null, null, null);
  }

  /** The fields every Task had before priority. */
  public TaskSpec(List<Context> contexts, String agentRef, String startTimeout, String timeout) {
    this(contexts, agentRef, startTimeout, timeout, null, null);
  }

  /** The fields every Task had before approval. */
  public TaskSpec(
      List<Context> contexts,
      String agentRef,
      String startTimeout,
      String timeout,
      Integer priority) {
    this(contexts, agentRef, startTimeout, timeout, priority, null);
  }

  /** The priority, 0 when unset. */
  public int priorityOrDefault() {
    return priority == null ? 0 : priority;
  }

  /** The Agent name this Task asks for: agentRef or 'default'. */
  public String agentName() {
    return agentRef == null || agentRef.isEmpty() ? Agent.DEFAULT_NAME : agentRef;
  }
}
