package io.kubetask.e2e.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The KubeTask operator or worker in a JVM of its own ({@code io.kubetask.app.KubeTask operator} or
 * {@code worker}, on this JVM's class path), so that a test can kill it with SIGKILL and start it
 * again. Its output goes to a log file that each start marks, and a start returns once the process
 * logged that it is ready.
 */
final class KubeTaskChild {
  private static final String MAIN = "io.kubetask.app.KubeTask";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String mode;
  private final String readyLine;
  private final Map<String, String> env;
  private final Path log;
  private Process process;
  private int starts;

  /**
   * @param mode {@code operator} or {@code worker}
   * @param env settings on top of this JVM's environment
   * @param log where the output goes (appended)
   */
  KubeTaskChild(String mode, Map<String, String> env, Path log) {
    this.mode = mode;
    this.readyLine =
        "operator".equals(mode) ? "KubeTask operator started" : "KubeTask worker polling";
    this.env = env;
    this.log = log;
    Runtime.getRuntime().addShutdownHook(new Thread(this::killQuietly, "kill-kubetask-" + mode));
  }

  String mode() {
    return mode;
  }

  Path log() {
    return log;
  }

  /** Starts the process and waits until it says it is ready. */
  synchronized void start() {
    if (isAlive()) {
      throw new IllegalStateException(mode + " already runs (pid " + process.pid() + ")");
    }
    starts++;
    String marker = "===== KubeTaskChild: start " + starts + " of " + mode + " at " + Instant.now();
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "\n" + marker + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      command.addAll(List.of("-cp", classPath(), MAIN, mode));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().remove("KUBETASK_MODE");
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!currentRunSays(marker, readyLine)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            mode + " exited with " + process.exitValue() + " while starting:\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            mode + " not ready after " + START_TIMEOUT.toSeconds() + " s:\n" + tail());
      }
      sleep(100);
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  synchronized void kill() {
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

  /** SIGTERM, as a Deployment's rollout would; SIGKILL if it takes too long. */
  synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  private void killQuietly() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private boolean currentRunSays(String marker, String text) {
    try {
      String all = Files.readString(log, StandardCharsets.UTF_8);
      int start = all.lastIndexOf(marker);
      return start >= 0 && all.indexOf(text, start) > 0;
    } catch (IOException e) {
      return false;
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
