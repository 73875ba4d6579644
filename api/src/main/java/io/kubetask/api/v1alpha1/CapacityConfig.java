package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Limits on the Tasks of a namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CapacityConfig(
    @Min(1)
        @JsonPropertyDescription(
            "How many Tasks of the namespace may run at once, whatever their Agent. Further"
                + " Tasks wait in phase Queued (reason NamespaceAtCapacity), ordered by priority"
                + " and then creation time. Default: no limit.")
        Integer maxActiveTasks,
    @Min(1)
        @JsonPropertyDescription(
            "How many Tasks of the namespace may start within any hour. Further Tasks wait in"
                + " phase Queued (reason RateLimited) until the oldest start of the last hour is"
                + " an hour old. Default: no limit.")
        Integer maxTasksPerHour) {

  public CapacityConfig(Integer maxActiveTasks) {
    this(maxActiveTasks, null);
  }
}
