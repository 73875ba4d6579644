package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.kubetask.crd.DeepMerge;
import java.util.List;
import java.util.Map;

/** What KubeTask observed of a CronTask, its Tasks and its Temporal Schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@SchemaCustomizer(value = DeepMerge.class, input = Conditions.SCHEMA)
public record CronTaskStatus(
    @JsonPropertyDescription("Tasks of this CronTask that have not finished.")
        List<ObjectReference> active,
    @JsonPropertyDescription("How many Tasks of this CronTask have not finished.")
        Integer activeCount,
    @JsonPropertyDescription("Scheduled time of the newest fire that created a Task (RFC 3339).")
        String lastScheduleTime,
    @JsonPropertyDescription("When the newest Completed Task of this CronTask finished.")
        String lastSuccessfulTime,
    @JsonPropertyDescription("The next time the schedule fires (RFC 3339).")
        String nextScheduleTime,
    @JsonPropertyDescription(
            "Fires skipped because a Task was still active (concurrencyPolicy Forbid).")
        Long skippedFires,
    @JsonPropertyDescription(
            "Fires that could not start within startingDeadlineSeconds (e.g. during an"
                + " outage).")
        Long missedFires,
    @JsonPropertyDescription("Conditions: Scheduled, Suspended.") List<Condition> conditions,
    @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,
    @JsonPropertyDescription("Id of the Temporal Schedule of this CronTask.") String scheduleId,
    @JsonPropertyDescription(
            "The newest fire and its outcome, with the reason (written by the worker when the"
                + " fire happens).")
        CronTaskFireStatus lastFire,
    @JsonPropertyDescription(
            "How many fires had each reason: Scheduled, RunNow, Replaced (a Task was created);"
                + " Forbid, Suspended, Stale (skipped when the fire came); TaskCreationFailed"
                + " (rejected). Written by the worker with lastFire.")
        Map<String, Long> fires) {}
