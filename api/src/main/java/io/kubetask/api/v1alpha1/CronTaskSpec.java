package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** When a CronTask creates Tasks and what they look like. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CronTaskSpec(
    @Required
        @Size(min = 1, max = 256)
        @ValidationRule(
            value =
                "self.trim().matches('^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)"
                    + "|[^\\\\s]+([ \\\\t]+[^\\\\s]+){4})$')",
            message =
                "must be a 5-field cron expression (minute hour day-of-month month day-of-week)"
                    + " or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight,"
                    + " @hourly")
        @ValidationRule(
            value = "!self.contains('TZ=')",
            message = "must not carry a TZ= or CRON_TZ= prefix: set spec.timeZone instead")
        @JsonPropertyDescription(
            "Cron schedule: 5 fields (minute hour day-of-month month day-of-week) or a macro"
                + " such as @hourly, e.g. '0 9 * * *'.")
        String schedule,
    @Size(min = 1, max = 64)
        @JsonPropertyDescription(
            "IANA time zone of the schedule, e.g. Europe/Berlin. Default: UTC. Across DST"
                + " changes a local time that does not exist is skipped and one that repeats"
                + " fires once.")
        String timeZone,
    @Min(0)
        @Max(2147483647)
        @JsonPropertyDescription(
            "Seconds after its scheduled time in which a fire that could not start on time"
                + " (for example during an outage) still runs; later it counts as missed."
                + " Default 300. Values under 10 act as 10.")
        Long startingDeadlineSeconds,
    @Default("Forbid")
        @JsonPropertyDescription(
            "What to do when a fire comes while a Task of this CronTask is active: Forbid"
                + " (default) skips the fire, Allow runs both, Replace stops the active Task"
                + " (kept, Failed with reason Replaced) and runs the new one.")
        ConcurrencyPolicy concurrencyPolicy,
    @Default("false")
        @JsonPropertyDescription(
            "Pauses scheduling. Running Tasks go on; fires missed while suspended are not made"
                + " up.")
        Boolean suspend,
    @Default("3")
        @Min(0)
        @Max(2147483647)
        @JsonPropertyDescription("How many Completed Tasks of this CronTask to keep. Default 3.")
        Integer successfulTasksHistoryLimit,
    @Default("1")
        @Min(0)
        @Max(2147483647)
        @JsonPropertyDescription("How many Failed Tasks of this CronTask to keep. Default 1.")
        Integer failedTasksHistoryLimit,
    @Required @JsonPropertyDescription("The Tasks this CronTask creates.")
        TaskTemplateSpec taskTemplate,
    @JsonPropertyDescription(
            "Hands each new Task the result of the newest Completed Task of this CronTask, as"
                + " the file /workspace/previous-result.json (no file on the first run). Keep"
                + " successfulTasksHistoryLimit at 1 or more. Default: false.")
        Boolean passResult) {

  /** The file a Task of a passResult CronTask finds its predecessor's result in. */
  public static final String PREVIOUS_RESULT_PATH = "/workspace/previous-result.json";

  /** The fields every CronTask had before passResult. */
  public CronTaskSpec(
      String schedule,
      String timeZone,
      Long startingDeadlineSeconds,
      ConcurrencyPolicy concurrencyPolicy,
      Boolean suspend,
      Integer successfulTasksHistoryLimit,
      Integer failedTasksHistoryLimit,
      TaskTemplateSpec taskTemplate) {
    this(
        schedule,
        timeZone,
        startingDeadlineSeconds,
        concurrencyPolicy,
        suspend,
        successfulTasksHistoryLimit,
        failedTasksHistoryLimit,
        taskTemplate,
        null);
  }

  public static final long DEFAULT_STARTING_DEADLINE_SECONDS = 300;

  public static final ConcurrencyPolicy DEFAULT_CONCURRENCY_POLICY = ConcurrencyPolicy.FORBID;

  public static final String DEFAULT_TIME_ZONE = "UTC";

  /**
   * The policy this spec sets, or Forbid. The API server fills in the CRD default, but objects
   * built in code or read before the default existed may lack it.
   */
  public ConcurrencyPolicy concurrencyPolicyOrDefault() {
    return concurrencyPolicy == null ? DEFAULT_CONCURRENCY_POLICY : concurrencyPolicy;
  }

  /** The time zone this spec sets, or UTC. */
  public String timeZoneOrDefault() {
    return timeZone == null ? DEFAULT_TIME_ZONE : timeZone;
  }

  /** The starting deadline this spec sets, or 300 seconds. */
  public long startingDeadlineSecondsOrDefault() {
    return startingDeadlineSeconds == null
        ? DEFAULT_STARTING_DEADLINE_SECONDS
        : startingDeadlineSeconds;
  }
}
