package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Labels and annotations copied onto the Tasks a CronTask creates. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskTemplateMetadata(
    @JsonPropertyDescription("Labels of the created Tasks.") Map<String, String> labels,
    @JsonPropertyDescription("Annotations of the created Tasks.")
        Map<String, String> annotations) {}
