package io.kubetask.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KubeTask (operator, worker or all-in-one) as a child process against the stack: a suite talks to
 * its HTTP endpoints, reads its log, stops it with SIGTERM or kills it with SIGKILL, and starts it
 * again. {@link #jar} runs {@code java -jar app/target/kubetask.jar <mode>}, the real program,
 * packaging included; {@link #onClassPath} runs its main class on this JVM's test class path with a
 * small heap, for suites that kill and restart it without needing the packaged jar.
 *
 * <p>The child gets the stack's Kubernetes and Temporal settings (none of this JVM's {@code
 * KUBETASK_*} or {@code TEMPORAL_*} variables) plus the suite's. It binds its HTTP endpoints to
 * port 0 and this class reads the port it got from its log: a port picked here and handed over
 * could be taken by another process in between, and the requests would then reach that process
 * instead. Its output is appended to one log file; each start first writes a marker line there and
 * returns once, after that marker, the process has named its port and its /readyz answers 200.
 */
public final class KubeTaskProcess implements AutoCloseable {
  private static final String MAIN = "io.kubetask.app.KubeTask";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern SERVING = Pattern.compile("Serving /metrics.* on port (\\d+)");

  private final String mode;
  private final List<String> command;
  private final Map<String, String> env = new HashMap<>();
  private final Path log;
  private Process process;
  private int starts;
  private volatile int port;

  private KubeTaskProcess(
      Stack stack, String mode, List<String> command, Map<String, String> settings, Path log) {
    this.mode = mode;
    this.command = command;
    this.log = log;
    env.put("KUBECONFIG", stack.kubeconfig());
    env.put("TEMPORAL_ADDRESS", stack.temporalAddress());
    env.put("TEMPORAL_NAMESPACE", stack.temporalNamespace());
    env.put("KUBETASK_HTTP_ADDRESS", "127.0.0.1:0");
    env.putAll(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(this::killQuietly, "kill-kubetask-" + mode));
  }

  /**
   * {@code java @app/jvm.options -XX:MaxRAM=512m -jar app/target/kubetask.jar <mode>} (the image's
   * JVM settings within deploy/'s memory limit) with the stack's settings plus {@code settings},
   * logging to e2e/target/kubetask-processes/; not started yet.
   */
  public static KubeTaskProcess jar(Stack stack, String mode, Map<String, String> settings) {
    Path jar = stack.repoRoot().resolve("app/target/kubetask.jar");
    assertThat(jar)
        .as("the KubeTask jar; build it with: mvn -B package -DskipTests -pl app -am")
        .isRegularFile();
    Path log =
        stack
            .repoRoot()
            .resolve("e2e/target/kubetask-processes")
            .resolve(mode + "-" + System.currentTimeMillis() + ".log");
    // The image's JVM settings, and the memory deploy/ gives its container (see hack/stack).
    List<String> command =
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "@" + stack.repoRoot().resolve("app/jvm.options"),
            "-XX:MaxRAM=512m",
            "-jar",
            jar.toString(),
            mode);
    return new KubeTaskProcess(stack, mode, command, settings, log);
  }

  /**
   * KubeTask's main class in {@code mode}, on this JVM's class path with a small heap, with the
   * stack's settings plus {@code settings}, appending its output to {@code log}; not started yet.
   */
  public static KubeTaskProcess onClassPath(
      Stack stack, String mode, Map<String, String> settings, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", classPath(), MAIN, mode));
    return new KubeTaskProcess(stack, mode, command, settings, log);
  }

  /** Settings for a process that owns {@code namespaces} on a task queue of its own. */
  public static Map<String, String> owning(String taskQueue, String... namespaces) {
    Map<String, String> settings = new HashMap<>();
    settings.put("KUBETASK_TASK_QUEUE", taskQueue);
    settings.put("KUBETASK_WATCH_NAMESPACES", String.join(",", namespaces));
    settings.put("KUBETASK_RESYNC_SECONDS", "30");
    return settings;
  }

  public String mode() {
    return mode;
  }

  /** The running process's pid. */
  public synchronized long pid() {
    return process.pid();
  }

  /** Starts the process (again) and waits until it is ready. */
  public synchronized KubeTaskProcess start() {
    if (isAlive()) {
      throw new IllegalStateException(mode + " already runs (pid " + process.pid() + ")");
    }
    starts++;
    String marker =
        "===== KubeTaskProcess: start " + starts + " of " + mode + " at " + Instant.now();
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "\n" + marker + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder
          .environment()
          .keySet()
          .removeIf(k -> k.startsWith("KUBETASK_") || k.startsWith("TEMPORAL_"));
      builder.environment().putAll(env);
      port = 0;
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(marker);
    return this;
  }

  private void awaitReady(String marker) {
    try {
      await("KubeTask " + mode + " ready")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(
                      mode + " exited with " + process.exitValue() + " while starting");
                }
                if (port == 0) {
                  Matcher serving = SERVING.matcher(since(marker));
                  if (!serving.find()) {
                    return false;
                  }
                  port = Integer.parseInt(serving.group(1));
                }
                return get("/readyz").status() == 200;
              });
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + log + " ends with:\n" + tail(), e);
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(mode + " (pid " + process.pid() + ") survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * SIGTERM, as a Deployment's rollout would, then waits for the shutdown hook to finish; SIGKILL
   * after 30 s. Says whether the process ended by itself.
   */
  public synchronized boolean stop() {
    if (process == null) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill();
    return false;
  }

  /**
   * Like {@link #stop()}; how long the process took to end after SIGTERM (at least 30 s when it did
   * not end by itself and was killed).
   */
  public Duration terminate() {
    long start = System.nanoTime();
    stop();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  private void killQuietly() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
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

  /** What it printed so far, over all its starts. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What it printed since {@code marker}. */
  private String since(String marker) {
    String all = log();
    int start = all.lastIndexOf(marker);
    return start < 0 ? "" : all.substring(start);
  }

  /** The last lines of the log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * The test class path. Failsafe may run this JVM from a manifest-only jar; its own property then
   * holds the real path, which a child JVM needs.
   */
  private static String classPath() {
    String path = System.getProperty("surefire.test.class.path");
    return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
  }
}
