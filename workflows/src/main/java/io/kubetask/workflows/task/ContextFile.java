package io.kubetask.workflows.task;

/**
 * A file of the context ConfigMap with its resolved content: text, or base64 bytes when the source
 * ConfigMap key held binary data.
 *
 * @param path where the file appears in the agent container
 * @param text the content, or null when {@code binary} is set
 * @param binary base64 content, or null
 */
public record ContextFile(String path, String text, String binary) {

  public static ContextFile text(String path, String text) {
    return new ContextFile(path, text, null);
  }

  /** The bytes this file adds to the ConfigMap, as the API server counts them. */
  long size() {
    if (text != null) {
      return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    return binary == null ? 0 : java.util.Base64.getDecoder().decode(binary).length;
  }
}
