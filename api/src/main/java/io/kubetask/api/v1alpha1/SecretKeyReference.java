package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the Task's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SecretKeyReference(
    @Required @Size(min = 1, max = 253) @JsonPropertyDescription("Name of the Secret.") String name,
    @Required @Size(min = 1, max = 253) @JsonPropertyDescription("Key in the Secret.")
        String key) {}
