package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** What the agent reported in its result file when it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskResult(
    @JsonPropertyDescription("What the agent says it did, in a few words.") String summary,
    @PreserveUnknownFields
        @JsonPropertyDescription("Whatever else the agent reported: a JSON object.")
        JsonNode data,
    @JsonPropertyDescription("Whether the agent says it reached its goal.") Boolean goalAchieved) {}
