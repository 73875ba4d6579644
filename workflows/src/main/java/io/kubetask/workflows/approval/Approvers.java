package io.kubetask.workflows.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.api.KubeTaskAnnotations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who approved a Task: the field manager that set its {@code kubetask.io/approve} annotation, as
 * the API server records it in {@code managedFields} ({@code kubectl-annotate} for kubectl, the
 * name a controller gives itself). KubeTask's client reads objects without their managedFields, so
 * this one read takes the Task as the API server sends it.
 */
public final class Approvers {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIELD = "f:" + KubeTaskAnnotations.APPROVE;

  private final KubernetesClient client;

  public Approvers(KubernetesClient client) {
    this.client = client;
  }

  /** The manager of the Task's approve annotation, when the API server says. */
  public Optional<String> approver(String namespace, String name) {
    String json =
        client.raw(
            "/apis/kubetask.io/v1alpha1/namespaces/"
                + encode(namespace)
                + "/tasks/"
                + encode(name));
    return json == null ? Optional.empty() : manager(json);
  }

  /** The manager of the approve annotation in a Task's JSON, the newest if several touched it. */
  static Optional<String> manager(String taskJson) {
    try {
      String found = null;
      String at = "";
      for (JsonNode entry : JSON.readTree(taskJson).path("metadata").path("managedFields")) {
        JsonNode field =
            entry.path("fieldsV1").path("f:metadata").path("f:annotations").path(FIELD);
        String time = entry.path("time").asText("");
        if (!field.isMissingNode() && time.compareTo(at) >= 0) {
          found = entry.path("manager").asText(null);
          at = time;
        }
      }
      return Optional.ofNullable(found);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
