package io.kubetask.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the stack's kubectl against the stack's API server. It uses a discovery cache of its own
 * (per JVM), so that CRDs applied by the suite are seen at once.
 */
public final class Kubectl {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path binary;
  private final String kubeconfig;
  private Path cacheDir;

  Kubectl(Path binary, String kubeconfig) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
  }

  boolean available() {
    return binary != null;
  }

  public Path binary() {
    return binary;
  }

  /** Runs {@code kubectl <args>}. */
  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs {@code kubectl <args>} with {@code stdin} as standard input. */
  public Result runWithInput(String stdin, String... args) {
    try {
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      command.add("--cache-dir=" + cacheDir());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("KUBECONFIG", kubeconfig);
      builder.environment().put("KUBECTL_COLOR", "false");
      Process process = builder.start();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " timed out");
      }
      return new Result(String.join(" ", args), process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private synchronized Path cacheDir() throws IOException {
    if (cacheDir == null) {
      Path dir = Files.createTempDirectory("kubetask-e2e-kubectl-cache");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
      cacheDir = dir;
    }
    return cacheDir;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: it is a temporary directory.
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

  /** What a kubectl run printed. */
  public record Result(String command, int exitCode, String stdout, String stderr) {
    /** stdout, after checking that kubectl succeeded. */
    public String ok() {
      if (exitCode != 0) {
        throw new AssertionError(
            "kubectl " + command + " exited with " + exitCode + ":\n" + stderr + stdout);
      }
      return stdout;
    }
  }
}
