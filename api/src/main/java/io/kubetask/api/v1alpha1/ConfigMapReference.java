package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A whole ConfigMap in the Task's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
// isOptional() is a helper, not the getter of 'optional' (which would write an absent
// optional as false).
@JsonAutoDetect(isGetterVisibility = Visibility.NONE)
public record ConfigMapReference(
    @Required @Size(min = 1, max = 253) @JsonPropertyDescription("Name of the ConfigMap.")
        String name,
    @JsonPropertyDescription(
            "When true, a missing ConfigMap leaves the directory empty instead of holding the"
                + " Task in Pending.")
        Boolean optional) {

  public boolean isOptional() {
    return Boolean.TRUE.equals(optional);
  }
}
