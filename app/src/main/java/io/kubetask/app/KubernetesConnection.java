package io.kubetask.app;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The Kubernetes client of a KubeTask process, from the kubeconfig or the pod's service account.
 */
final class KubernetesConnection {
  private KubernetesConnection() {}

  static KubernetesClient connect() {
    return new KubernetesClientBuilder()
        .withConfig(tokenRefreshOnlyWithAToken(Config.autoConfigure(null)))
        .build();
  }

  /**
   * The client re-reads its configuration, at most once a minute, to pick up a rotated token. With
   * no token at all (a kubeconfig with a client certificate, as a local cluster has) the re-read
   * finds none and is never recorded as done, so every request parses the kubeconfig again: most of
   * the worker's CPU for a Task's API calls. A token provider that has none stops it; a certificate
   * is loaded once, when the client is built, and a re-read would not change it.
   */
  static Config tokenRefreshOnlyWithAToken(Config config) {
    boolean hasToken =
        notEmpty(config.getOauthToken())
            || notEmpty(config.getAutoOAuthToken())
            || config.getOauthTokenProvider() != null
            || config.getAuthProvider() != null
            || notEmpty(config.getUsername());
    if (!hasToken) {
      config.setOauthTokenProvider(() -> null);
    }
    return config;
  }

  private static boolean notEmpty(String value) {
    return value != null && !value.isEmpty();
  }
}
