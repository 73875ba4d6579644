package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What the Kubernetes API server said when it refused a request. */
public final class ApiErrors {
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
}
