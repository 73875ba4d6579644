package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The Tasks a CronTask creates. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskTemplateSpec(
    @JsonPropertyDescription("Labels and annotations of the created Tasks.")
        TaskTemplateMetadata metadata,
    @Required @JsonPropertyDescription("Spec of the created Tasks.") TaskSpec spec) {}
