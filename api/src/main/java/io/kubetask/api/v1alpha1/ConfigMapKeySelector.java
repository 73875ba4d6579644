package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One key of a ConfigMap in the Task's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
// isOptional() is a helper, not the getter of 'optional' (which would write an absent
// optional as false).
@JsonAutoDetect(isGetterVisibility = Visibility.NONE)
public record ConfigMapKeySelector(
    @Required @Size(min = 1, max = 253) @JsonPropertyDescription("Name of the ConfigMap.")
        String name,
    @Required @Size(min = 1, max = 253) @JsonPropertyDescription("Key in the ConfigMap.")
        String key,
    @JsonPropertyDescription(
            "When true, a missing ConfigMap or key leaves the file out instead of holding the"
                + " Task in Pending.")
        Boolean optional) {

  public boolean isOptional() {
    return Boolean.TRUE.equals(optional);
  }
}
