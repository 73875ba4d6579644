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

/** A Secret key given to the agent as an environment variable, a file, or both. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.env) || has(self.mountPath)",
    message = "a credential needs env, mountPath, or both")
public record Credential(
    @Required @Size(min = 1, max = 253) @JsonPropertyDescription("A name for this credential.")
        String name,
    @Required @JsonPropertyDescription("The Secret key, in the Task's namespace.")
        SecretKeyReference secretRef,
    @Size(min = 1, max = 256)
        @ValidationRule(
            value = "self.matches('^[A-Za-z_][A-Za-z0-9_]*$')",
            message =
                "must be a valid environment variable name: letters, digits and '_', not"
                    + " starting with a digit")
        @JsonPropertyDescription("Environment variable that receives the Secret value.")
        String env,
    @Size(min = 1, max = MAX_PATH)
        @ValidationRule(value = ABSOLUTE, message = ABSOLUTE_MSG)
        @ValidationRule(value = NO_TRAILING_SLASH, message = NO_TRAILING_SLASH_MSG)
        @ValidationRule(value = NO_EMPTY_SEGMENT, message = NO_EMPTY_SEGMENT_MSG)
        @ValidationRule(value = NO_DOT_DOT, message = NO_DOT_DOT_MSG)
        @JsonPropertyDescription("Absolute path of a file that receives the Secret value.")
        String mountPath,
    @ValidationRule(
            value = "self >= 0 && self <= 511",
            message = "must be a file mode between 0 and 0777 (octal), e.g. 0400")
        @JsonPropertyDescription(
            "Permission bits of the file at mountPath. Default 0600. YAML accepts octal: 0400.")
        Integer fileMode) {

  public static final int DEFAULT_FILE_MODE = 0600;
}
