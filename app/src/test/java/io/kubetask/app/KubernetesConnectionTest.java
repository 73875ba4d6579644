package io.kubetask.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesConnectionTest {
  private final KubernetesMockServer server = new KubernetesMockServer(false);

  @BeforeEach
  void start() {
    server.init();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ns/configmaps/c")
        .andReturn(
            200, new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())
        .always();
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  @Test
  void withoutATokenTheClientNeverLooksForOneAndSendsNone() throws Exception {
    Config config = KubernetesConnection.tokenRefreshOnlyWithAToken(base().build());

    assertThat(config.getOauthTokenProvider()).isNotNull();
    assertThat(config.getOauthTokenProvider().getToken()).isNull();
    assertThat(authorizationSentWith(config)).isNull();
  }

  @Test
  void aTokenIsSentAndStillRefreshedAsTheClientDoes() throws Exception {
    Config withToken = base().withAutoOAuthToken("from-the-service-account").build();
    Config userToken = base().withOauthToken("set-by-hand").build();

    assertThat(KubernetesConnection.tokenRefreshOnlyWithAToken(withToken).getOauthTokenProvider())
        .isNull();
    assertThat(KubernetesConnection.tokenRefreshOnlyWithAToken(userToken).getOauthTokenProvider())
        .isNull();
    assertThat(authorizationSentWith(withToken)).isEqualTo("Bearer from-the-service-account");
  }

  @Test
  void objectsAreReadWithoutTheirManagedFieldsAndAllElse() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ns/configmaps/managed")
        .andReturn(
            200,
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("managed")
                .withResourceVersion("42")
                .addToLabels("app", "x")
                .addToFinalizers("kubetask.io/finalizer")
                .addToManagedFields(
                    new ManagedFieldsEntryBuilder()
                        .withManager("kubectl")
                        .withOperation("Update")
                        .build())
                .endMetadata()
                .addToData("guide.md", "Keep behaviour unchanged.")
                .build())
        .always();

    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(base().build())
            .withKubernetesSerialization(KubernetesConnection.serialization())
            .build()) {
      ConfigMap read = client.configMaps().inNamespace("ns").withName("managed").get();

      assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
      assertThat(read.getMetadata().getAdditionalProperties()).doesNotContainKey("managedFields");
      assertThat(read.getMetadata().getResourceVersion()).isEqualTo("42");
      assertThat(read.getMetadata().getLabels()).containsEntry("app", "x");
      assertThat(read.getMetadata().getFinalizers()).containsExactly("kubetask.io/finalizer");
      assertThat(read.getData()).containsEntry("guide.md", "Keep behaviour unchanged.");
    }
  }

  @Test
  void everyResponseIsCountedByVerbResourceAndStatus() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (KubernetesClient client = KubernetesConnection.client(base().build(), registry)) {
      client.configMaps().inNamespace("ns").withName("c").get();
      client.configMaps().inNamespace("ns").withName("c").get();
      client.configMaps().inNamespace("ns").withName("missing").get();
    }

    assertThat(requests(registry, "get", "configmaps", "200")).isEqualTo(2);
    assertThat(requests(registry, "get", "configmaps", "404")).isEqualTo(1);
    assertThat(registry.find(KubernetesRequestMetrics.NAME).counters()).hasSize(2);
  }

  private static double requests(
      SimpleMeterRegistry registry, String verb, String resource, String code) {
    return registry
        .get(KubernetesRequestMetrics.NAME)
        .tags("verb", verb, "resource", resource, "code", code)
        .counter()
        .count();
  }

  private ConfigBuilder base() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(server.url("/"))
        .withTrustCerts(true)
        .withRequestRetryBackoffLimit(0);
  }

  private String authorizationSentWith(Config config) throws InterruptedException {
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(client.configMaps().inNamespace("ns").withName("c").get()).isNotNull();
    }
    return server.getLastRequest().getHeader("Authorization");
  }
}
