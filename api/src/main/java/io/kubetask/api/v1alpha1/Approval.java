package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** A person's go-ahead before an agent run starts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Approval(
    @JsonPropertyDescription(
            "Whether the Task waits, Pending with reason AwaitingApproval, until it is annotated"
                + " kubetask.io/approve=true (or kubetask.io/reject=<reason>, which fails it).")
        Boolean required,
    @Min(1)
        @JsonPropertyDescription(
            "How long the approval may take, from the Task's creation; past it the Task fails"
                + " with reason ApprovalTimeout. Default: no limit.")
        Integer timeoutSeconds) {

  public boolean isRequired() {
    return Boolean.TRUE.equals(required);
  }
}
