package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Where agent pods may run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PodScheduling(
    @JsonPropertyDescription("Node labels an agent pod's node must have.")
        Map<String, String> nodeSelector,
    @JsonPropertyDescription("Tolerations of agent pods.") List<Toleration> tolerations,
    @JsonPropertyDescription("Affinity of agent pods.") Affinity affinity) {}
