package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The newest fire of a CronTask and what became of it, as the worker decided it from the CronTask
 * and its Tasks at the moment of the fire.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CronTaskFireStatus(
    @JsonPropertyDescription("The fire's scheduled (or run-now) time (RFC 3339).")
        String scheduledTime,
    @JsonPropertyDescription("Created, Skipped, Missed or Rejected.") String outcome,
    @JsonPropertyDescription(
            "Why: Scheduled, RunNow or Replaced (Created); Forbid, Suspended or Stale (Skipped);"
                + " Late (Missed: handled after startingDeadlineSeconds); TaskCreationFailed"
                + " (Rejected).")
        String reason,
    @JsonPropertyDescription("What happened, in words.") String message,
    @JsonPropertyDescription("The Task the fire created, if any.") String taskName) {

  public static final String CREATED = "Created";
  public static final String SKIPPED = "Skipped";
  public static final String MISSED = "Missed";
  public static final String REJECTED = "Rejected";

  public static final String SCHEDULED = "Scheduled";
  public static final String RUN_NOW = "RunNow";
  public static final String REPLACED = Conditions.REPLACED;
  public static final String FORBID = "Forbid";
  public static final String SUSPENDED = Conditions.SUSPENDED;
  public static final String STALE = "Stale";
  public static final String LATE = "Late";
}
