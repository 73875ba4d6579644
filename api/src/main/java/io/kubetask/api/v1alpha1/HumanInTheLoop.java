package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Keeps the agent container alive after its command ends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HumanInTheLoop(
    @Required @JsonPropertyDescription("Turns the keep-alive window on.") Boolean enabled,
    @Default("3600")
        @Min(1)
        @Max(2147483647)
        @JsonPropertyDescription(
            "Seconds the container stays alive after the agent command ends. Default 3600. End"
                + " the window early with 'kubectl annotate task <name> kubetask.io/release=true'.")
        Integer keepAliveSeconds) {

  public static final int DEFAULT_KEEP_ALIVE_SECONDS = 3600;

  public int keepAliveOrDefault() {
    return keepAliveSeconds == null ? DEFAULT_KEEP_ALIVE_SECONDS : keepAliveSeconds;
  }
}
