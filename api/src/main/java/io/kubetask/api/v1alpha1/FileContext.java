package io.kubetask.api.v1alpha1;

import static io.kubetask.api.schema.ApiRules.ABSOLUTE;
import static io.kubetask.api.schema.ApiRules.ABSOLUTE_MSG;
import static io.kubetask.api.schema.ApiRules.MAX_PATH;
import static io.kubetask.api.schema.ApiRules.NO_DOT_DOT;
import static io.kubetask.api.schema.ApiRules.NO_DOT_DOT_MSG;
import static io.kubetask.api.schema.ApiRules.NO_EMPTY_SEGMENT;
import static io.kubetask.api.schema.ApiRules.NO_EMPTY_SEGMENT_MSG;
import static io.kubetask.api.schema.ApiRules.NO_TRAILING_SLASH;
import static io.kubetask.api.schema.ApiRules.NO_TRAILING_SLASH_MSG;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A single file (filePath with inline content or a ConfigMap key) or a directory (dirPath with a
 * whole ConfigMap).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.filePath) != has(self.dirPath)",
    message = "exactly one of filePath or dirPath must be set")
@ValidationRule(
    value = "!has(self.dirPath) || (has(self.source) && has(self.source.configMapRef))",
    message = "dirPath is only valid with source.configMapRef (a whole ConfigMap as a directory)")
@ValidationRule(
    value = "!has(self.filePath) || !has(self.source) || !has(self.source.configMapRef)",
    message =
        "filePath is only valid with source.inline or source.configMapKeyRef;"
            + " use dirPath to mount a whole ConfigMap")
public record FileContext(
    @Size(min = 1, max = MAX_PATH)
        @ValidationRule(value = ABSOLUTE, message = ABSOLUTE_MSG)
        @ValidationRule(value = NO_TRAILING_SLASH, message = NO_TRAILING_SLASH_MSG)
        @ValidationRule(value = NO_EMPTY_SEGMENT, message = NO_EMPTY_SEGMENT_MSG)
        @ValidationRule(value = NO_DOT_DOT, message = NO_DOT_DOT_MSG)
        @JsonPropertyDescription(
            "Absolute path of a single file in the agent container, e.g. /workspace/task.md."
                + " Takes source.inline or source.configMapKeyRef.")
        String filePath,
    @Size(min = 1, max = MAX_PATH)
        @ValidationRule(value = ABSOLUTE, message = ABSOLUTE_MSG)
        @ValidationRule(value = NO_TRAILING_SLASH, message = NO_TRAILING_SLASH_MSG)
        @ValidationRule(value = NO_EMPTY_SEGMENT, message = NO_EMPTY_SEGMENT_MSG)
        @ValidationRule(value = NO_DOT_DOT, message = NO_DOT_DOT_MSG)
        @JsonPropertyDescription(
            "Absolute path of a directory in the agent container that shows every key of"
                + " source.configMapRef as a file.")
        String dirPath,
    @Required @JsonPropertyDescription("Where the content comes from. Exactly one source.")
        FileSource source) {

  public static FileContext inline(String filePath, String content) {
    return new FileContext(filePath, null, new FileSource(content, null, null));
  }

  public static FileContext configMapKey(String filePath, String configMap, String key) {
    return new FileContext(
        filePath, null, new FileSource(null, new ConfigMapKeySelector(configMap, key, null), null));
  }

  public static FileContext configMapDir(String dirPath, String configMap) {
    return new FileContext(
        null, dirPath, new FileSource(null, null, new ConfigMapReference(configMap, null)));
  }
}
