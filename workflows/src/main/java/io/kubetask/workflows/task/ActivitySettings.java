package io.kubetask.workflows.task;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Settings of the worker's activities.
 *
 * @param defaultAgentImage the image used when a Task's Agent names none
 * @param temporalNamespace the Temporal namespace, for Web UI links
 * @param uiBaseUrl the Temporal Web UI base URL, or null for no links on Tasks
 */
public record ActivitySettings(
    String defaultAgentImage, String temporalNamespace, String uiBaseUrl) {
  public static final String BUILT_IN_AGENT_IMAGE = "quay.io/zhaoxue/kubetask-agent-gemini:latest";

  /** A link to a workflow in the Temporal Web UI, or null when no UI is configured. */
  public String workflowUrl(String workflowId) {
    if (uiBaseUrl == null || uiBaseUrl.isBlank()) {
      return null;
    }
    String base =
        uiBaseUrl.endsWith("/") ? uiBaseUrl.substring(0, uiBaseUrl.length() - 1) : uiBaseUrl;
    return base
        + "/namespaces/"
        + URLEncoder.encode(temporalNamespace, StandardCharsets.UTF_8)
        + "/workflows/"
        + URLEncoder.encode(workflowId, StandardCharsets.UTF_8);
  }
}
