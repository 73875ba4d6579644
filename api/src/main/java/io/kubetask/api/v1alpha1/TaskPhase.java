package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a Task is in its life. */
public enum TaskPhase {
  /** Accepted and ready to start, waiting for a slot: its Agent or namespace is at capacity. */
  @JsonProperty("Queued")
  QUEUED,
  /** Accepted; waiting for its Agent or contexts, or for its Job to be created. */
  @JsonProperty("Pending")
  PENDING,
  /** Its Job exists and the agent runs (or its human-in-the-loop window is open). */
  @JsonProperty("Running")
  RUNNING,
  @JsonProperty("Completed")
  COMPLETED,
  @JsonProperty("Failed")
  FAILED;

  public boolean isFinished() {
    return this == COMPLETED || this == FAILED;
  }
}
