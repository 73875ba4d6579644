package io.kubetask.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Kubernetes client of a KubeTask process, from the kubeconfig or the pod's service account.
 */
final class KubernetesConnection {
  private KubernetesConnection() {}

  /** The client, counting its requests in {@code registry} ({@link KubernetesRequestMetrics}). */
  static KubernetesClient connect(MeterRegistry registry) {
    return client(Config.autoConfigure(null), registry);
  }

  static KubernetesClient client(Config config, MeterRegistry registry) {
    return new KubernetesClientBuilder()
        .withConfig(tokenRefreshOnlyWithAToken(config))
        .withKubernetesSerialization(serialization())
        .withHttpClientBuilderConsumer(
            http ->
                http.addOrReplaceInterceptor(
                    KubernetesRequestMetrics.NAME, new KubernetesRequestMetrics(registry)))
        .build();
  }

  /**
   * Objects as KubeTask reads them: without managedFields, and with the string values that repeat
   * shared ({@link SharedStrings}). Nothing KubeTask decides reads managedFields, and they are most
   * of what a cached object weighs (a tree of maps per field manager): with 1,000 Tasks, their Jobs
   * and pods, about 270,000 maps of the operator's heap. Dropped when a response is read, so every
   * informer cache is lean whatever namespaces it serves; never sent either (the API server would
   * refuse them in an apply).
   */
  static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, IgnoresManagedFields.class);
    mapper.registerModule(new SimpleModule().addDeserializer(String.class, new SharedStrings()));
    return new KubernetesSerialization(mapper, true);
  }

  @JsonIgnoreProperties({"managedFields"})
  private interface IgnoresManagedFields {}

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
