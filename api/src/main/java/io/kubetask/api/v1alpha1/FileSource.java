package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The content of a file context. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "(has(self.inline) ? 1 : 0) + (has(self.configMapKeyRef) ? 1 : 0)"
            + " + (has(self.configMapRef) ? 1 : 0) == 1",
    message = "exactly one of inline, configMapKeyRef or configMapRef must be set")
public record FileSource(
    @JsonPropertyDescription(
            "The file content, written as is. An empty string makes an empty file.")
        String inline,
    @JsonPropertyDescription(
            "One key of a ConfigMap in the Task's namespace. Its content is copied when the Task"
                + " starts.")
        ConfigMapKeySelector configMapKeyRef,
    @JsonPropertyDescription(
            "A whole ConfigMap in the Task's namespace, mounted as a directory (only with"
                + " dirPath). Changes to the ConfigMap reach the running agent.")
        ConfigMapReference configMapRef) {}
