package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Something the agent works with, such as a file placed in its container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "self.type != 'File' || has(self.file)",
    message = "a context of type File needs 'file'")
public record Context(
    @Required @JsonPropertyDescription("Kind of context. Only 'File' exists.") ContextType type,
    @JsonPropertyDescription("A file or a directory placed in the agent container.")
        FileContext file) {

  public static Context file(FileContext file) {
    return new Context(ContextType.FILE, file);
  }

  /** The path this context occupies in the container: its filePath or its dirPath. */
  public String path() {
    if (file == null) {
      return null;
    }
    return file.filePath() != null ? file.filePath() : file.dirPath();
  }
}
