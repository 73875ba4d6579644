package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Settings for the Tasks of a namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record KubeTaskConfigSpec(
    @JsonPropertyDescription("What happens to Tasks after they finish.")
        TaskLifecycleConfig taskLifecycle,
    @JsonPropertyDescription("How many Tasks of this namespace may run at once.")
        CapacityConfig capacity) {

  public KubeTaskConfigSpec(TaskLifecycleConfig taskLifecycle) {
    this(taskLifecycle, null);
  }

  /** The namespace's limit of active Tasks, or null for none. */
  public Integer maxActiveTasks() {
    return capacity == null ? null : capacity.maxActiveTasks();
  }

  /** The namespace's limit of Task starts per hour, or null for none. */
  public Integer maxTasksPerHour() {
    return capacity == null ? null : capacity.maxTasksPerHour();
  }

  /** The TTL this config sets, or the built-in default when it sets none. */
  public long ttlSecondsOrDefault() {
    return taskLifecycle == null || taskLifecycle.ttlSecondsAfterFinished() == null
        ? TaskLifecycleConfig.DEFAULT_TTL_SECONDS
        : taskLifecycle.ttlSecondsAfterFinished();
  }
}
