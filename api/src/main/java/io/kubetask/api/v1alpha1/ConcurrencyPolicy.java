package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a CronTask does when a fire comes while one of its Tasks is still active. */
public enum ConcurrencyPolicy {
  /** Run the new Task beside the active ones. */
  @JsonProperty("Allow")
  ALLOW,
  /** Skip the fire. */
  @JsonProperty("Forbid")
  FORBID,
  /** Stop the active Task (it is kept, Failed with reason Replaced) and run the new one. */
  @JsonProperty("Replace")
  REPLACE
}
