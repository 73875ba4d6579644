package io.kubetask.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
  private final AtomicReference<String> temporal =
      new AtomicReference<>("unreachable (UNAVAILABLE)");
  private HttpEndpoints endpoints;

  @BeforeEach
  void start() throws Exception {
    endpoints =
        new HttpEndpoints(new InetSocketAddress("127.0.0.1", 0), () -> "kubetask_up 1.0\n")
            .check("worker", () -> null)
            .check("temporal", temporal::get)
            .start();
    assertThat(get("/readyz").statusCode()).as("not ready while starting").isEqualTo(503);
    assertThat(get("/readyz").body()).isEqualTo("starting\n");
    endpoints.markStarted();
  }

  @AfterEach
  void stop() {
    endpoints.close();
  }

  @Test
  void servesMetricsAndLiveness() throws Exception {
    var metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).isEqualTo("kubetask_up 1.0\n");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void isReadyOnlyWhenEveryCheckPasses() throws Exception {
    var notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).isEqualTo("worker: ok\ntemporal: unreachable (UNAVAILABLE)\n");

    temporal.set(null);

    var ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("worker: ok\ntemporal: ok\n");
  }

  @Test
  void aFailingCheckIsNotReady() throws Exception {
    endpoints.check(
        "operator",
        () -> {
          throw new IllegalStateException("boom");
        });

    var response = get("/readyz");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("operator: java.lang.IllegalStateException: boom");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
