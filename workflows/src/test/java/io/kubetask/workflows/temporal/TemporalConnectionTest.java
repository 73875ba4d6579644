package io.kubetask.workflows.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uber.m3.tally.NoopScope;
import io.grpc.Metadata;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From the environment to the connection options: address, TLS, API key. */
class TemporalConnectionTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void defaultsToAPlainLocalConnection() {
    var settings = TemporalSettings.fromEnv(Map.of());

    assertThat(settings.address()).isEqualTo("127.0.0.1:7233");
    assertThat(settings.namespace()).isEqualTo("default");
    assertThat(settings.taskQueue()).isEqualTo(TaskQueues.DEFAULT);
    assertThat(settings.tls().enabled()).isFalse();
    assertThat(settings.apiKey()).isNull();
    var options = TemporalConnection.stubsOptions(settings, new NoopScope());
    assertThat(options.getTarget()).isEqualTo("127.0.0.1:7233");
    assertThat(options.getSslContext()).isNull();
    assertThat(options.getGrpcMetadataProviders()).isNullOrEmpty();
  }

  @Test
  void anApiKeyIsSentAsABearerTokenOverTls() {
    var settings =
        TemporalSettings.fromEnv(
            Map.of(
                "TEMPORAL_ADDRESS", "my-ns.a1b2c.tmprl.cloud:7233",
                "TEMPORAL_NAMESPACE", "my-ns.a1b2c",
                "TEMPORAL_API_KEY", "secret-key"));

    assertThat(settings.tls().enabled()).as("TLS follows from the API key").isTrue();
    var options = TemporalConnection.stubsOptions(settings, new NoopScope());
    assertThat(options.getSslContext()).isNotNull();
    assertThat(options.getSslContext().isClient()).isTrue();
    assertThat(options.getGrpcMetadataProviders())
        .singleElement()
        .satisfies(
            p -> assertThat(p.getMetadata().get(AUTHORIZATION)).isEqualTo("Bearer secret-key"));
    assertThat(settings.toString()).doesNotContain("secret-key").contains("apiKey=***");
  }

  @Test
  void readsClientCertificatesAndTheServerCa() {
    var env = tlsEnv();
    env.put("TEMPORAL_TLS_SERVER_NAME", "temporal.internal");

    var settings = TemporalSettings.fromEnv(env);

    assertThat(settings.tls())
        .isEqualTo(
            new TemporalSettings.Tls(
                true,
                resource("client.crt"),
                resource("client.key"),
                resource("ca.crt"),
                "temporal.internal"));
    var options = TemporalConnection.stubsOptions(settings, new NoopScope());
    assertThat(options.getSslContext().isClient()).isTrue();
    assertThat(options.getChannelInitializer()).as("sets the TLS authority").isNotNull();
  }

  @Test
  void tlsCanBeOnWithoutFiles() {
    var settings = TemporalSettings.fromEnv(Map.of("TEMPORAL_TLS", "true"));

    assertThat(settings.tls().enabled()).isTrue();
    assertThat(TemporalConnection.stubsOptions(settings, new NoopScope()).getSslContext())
        .isNotNull();
  }

  @Test
  void aCertificateNeedsItsKey() {
    assertThatThrownBy(
            () ->
                TemporalSettings.fromEnv(
                    Map.of("TEMPORAL_TLS_CLIENT_CERT_PATH", resource("client.crt"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEMPORAL_TLS_CLIENT_KEY_PATH");
  }

  @Test
  void rejectsContradictionsAndMissingFiles() {
    var env = tlsEnv();
    env.put("TEMPORAL_TLS", "false");
    assertThatThrownBy(() -> TemporalSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEMPORAL_TLS is false");
    assertThatThrownBy(() -> TemporalSettings.fromEnv(Map.of("TEMPORAL_TLS", "yes")))
        .hasMessageContaining("TEMPORAL_TLS must be true or false");

    var missing =
        TemporalSettings.fromEnv(Map.of("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/nope/ca.crt"));
    assertThatThrownBy(() -> TemporalConnection.stubsOptions(missing, new NoopScope()))
        .hasMessageContaining(
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH names no readable file: /nope/ca.crt");
  }

  @Test
  void explainsAnUnreadableKey() {
    var env = tlsEnv();
    env.put("TEMPORAL_TLS_CLIENT_KEY_PATH", resource("ca.crt"));

    var settings = TemporalSettings.fromEnv(env);

    assertThatThrownBy(() -> TemporalConnection.stubsOptions(settings, new NoopScope()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set up TLS to Temporal");
  }

  private static Map<String, String> tlsEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_TLS_CLIENT_CERT_PATH", resource("client.crt"));
    env.put("TEMPORAL_TLS_CLIENT_KEY_PATH", resource("client.key"));
    env.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", resource("ca.crt"));
    return env;
  }

  private static String resource(String name) {
    try {
      return Path.of(TemporalConnectionTest.class.getResource("/tls/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
