package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** What happens to Tasks after they finish. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskLifecycleConfig(
    @Default("604800")
        @Min(0)
        @Max(2147483647)
        @JsonPropertyDescription(
            "Seconds after completionTime at which a Completed or Failed Task is deleted, with"
                + " its Job and ConfigMap. Default 604800 (7 days); 0 disables cleanup.")
        Integer ttlSecondsAfterFinished) {

  public static final long DEFAULT_TTL_SECONDS = 604800;
}
