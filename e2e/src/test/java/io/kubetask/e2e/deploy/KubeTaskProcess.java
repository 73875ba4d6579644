package io.kubetask.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubetask.e2e.support.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar app/target/kubetask.jar <mode>}, as a child process against the stack: the real
 * program, packaging included. Its output goes to e2e/target/kubetask-processes/; {@link #close()}
 * sends SIGTERM (the program's shutdown hook stops it) and waits.
 *
 * <p>The process binds its HTTP endpoints to port 0 and this class reads the port it got from its
 * log: a port picked here and handed over could be taken by another process in between, and the
 * requests would then reach that process instead.
 */
public final class KubeTaskProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern SERVING = Pattern.compile("Serving /metrics.* on port (\\d+)");

  private final String mode;
  private final Process process;
  private final Path log;
  private volatile int port;

  private KubeTaskProcess(String mode, Process process, Path log) {
    this.mode = mode;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the jar in {@code mode} with the stack's Kubernetes and Temporal settings plus {@code
   * settings}, and waits until its /readyz answers 200.
   */
  public static KubeTaskProcess start(Stack stack, String mode, Map<String, String> settings) {
    Path jar = stack.repoRoot().resolve("app/target/kubetask.jar");
    assertThat(jar)
        .as("the KubeTask jar; build it with: mvn -B package -DskipTests -pl app -am")
        .isRegularFile();
    try {
      Path logs = stack.repoRoot().resolve("e2e/target/kubetask-processes");
      Files.createDirectories(logs);
      Path log = logs.resolve(mode + "-" + System.currentTimeMillis() + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(
              ProcessHandle.current().info().command().orElse("java"),
              "-jar",
              jar.toString(),
              mode);
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(k -> k.startsWith("KUBETASK_") || k.startsWith("TEMPORAL_"));
      env.put("KUBECONFIG", stack.kubeconfig());
      env.put("TEMPORAL_ADDRESS", stack.temporalAddress());
      env.put("TEMPORAL_NAMESPACE", stack.temporalNamespace());
      env.put("KUBETASK_HTTP_ADDRESS", "127.0.0.1:0");
      env.putAll(settings);
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      KubeTaskProcess started = new KubeTaskProcess(mode, builder.start(), log);
      Runtime.getRuntime().addShutdownHook(new Thread(started.process::destroyForcibly));
      started.awaitReady();
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    try {
      await("KubeTask " + mode + " ready")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      "KubeTask " + mode + " exited with " + process.exitValue() + ":\n" + log());
                }
                if (port == 0) {
                  Matcher serving = SERVING.matcher(log());
                  if (!serving.find()) {
                    return false;
                  }
                  port = Integer.parseInt(serving.group(1));
                }
                return get("/readyz").status() == 200;
              });
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nits output:\n" + log(), e);
    }
  }

  /** What an endpoint answered; status 0 when the connection was refused. */
  public record Response(int status, String body) {}

  /** GET of one of its endpoints. */
  public Response get(String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Its /metrics, parsed. */
  public PrometheusText metrics() {
    Response response = get("/metrics");
    assertThat(response.status()).as(mode + " /metrics").isEqualTo(200);
    return PrometheusText.parse(response.body());
  }

  /** What it printed so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then waits for the shutdown hook to finish; SIGKILL after 30 s. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Like {@link #close()}; how long the process took to end after SIGTERM (at least 30 s when it
   * did not end by itself and was killed).
   */
  public Duration terminate() {
    long start = System.nanoTime();
    stop();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Like {@link #close()}; says whether the process ended by itself within 30 s of SIGTERM. */
  public boolean stop() {
    process.destroy();
    try {
      if (process.waitFor(30, TimeUnit.SECONDS)) {
        return true;
      }
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Settings for a process that owns {@code namespaces} on a task queue of its own. */
  public static Map<String, String> owning(String taskQueue, String... namespaces) {
    Map<String, String> settings = new HashMap<>();
    settings.put("KUBETASK_TASK_QUEUE", taskQueue);
    settings.put("KUBETASK_WATCH_NAMESPACES", String.join(",", namespaces));
    settings.put("KUBETASK_RESYNC_SECONDS", "30");
    return settings;
  }
}
