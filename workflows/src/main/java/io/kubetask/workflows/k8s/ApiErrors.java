package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/** What the Kubernetes API server said when it refused a request. */
public final class ApiErrors {
  private static final String NAMESPACE_TERMINATING = "NamespaceTerminating";

  private ApiErrors() {}

  /**
   * The API server's own message (e.g. which field failed validation), without the client's request
   * line around it; the exception's message when the server sent no Status.
   */
  public static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  /**
   * Whether the API server refused to create an object because its namespace is being deleted:
   * nothing may be created there any more, and nothing needs to be.
   */
  public static boolean namespaceTerminating(KubernetesClientException e) {
    var details = e.getStatus() == null ? null : e.getStatus().getDetails();
    return e.getCode() == HttpURLConnection.HTTP_FORBIDDEN
        && details != null
        && details.getCauses() != null
        && details.getCauses().stream().anyMatch(c -> NAMESPACE_TERMINATING.equals(c.getReason()));
  }
}
