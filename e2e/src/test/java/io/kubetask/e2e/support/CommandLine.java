package io.kubetask.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool (kubectl, helm) to its end and keeps what it printed. */
public final class CommandLine {
  private CommandLine() {}

  /** What a run printed and how it ended; {@code command} is what failure messages call it. */
  public record Result(String command, int exitCode, String stdout, String stderr) {
    /** stdout, after checking that the command succeeded. */
    public String ok() {
      if (exitCode != 0) {
        throw new AssertionError(command + " exited with " + exitCode + ":\n" + stderr + stdout);
      }
      return stdout;
    }
  }

  /**
   * Runs {@code argv} with {@code env} on top of this JVM's environment and {@code stdin} (null for
   * none) as its input, and waits for it to end.
   *
   * @param command what failure messages call the run, e.g. {@code kubectl get tasks}
   */
  public static Result run(
      String command, List<String> argv, Map<String, String> env, String stdin, Duration timeout) {
    try {
      ProcessBuilder builder = new ProcessBuilder(argv);
      builder.environment().putAll(env);
      Process process = builder.start();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " timed out");
      }
      return new Result(command, process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
