package io.kubetask.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the stack's kubectl against the stack's API server. It uses a discovery cache of its own
 * (per JVM), so that CRDs applied by the suite are seen at once.
 */
public final class Kubectl {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
  public CommandLine.Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs {@code kubectl <args>} with {@code stdin} as standard input. */
  public CommandLine.Result runWithInput(String stdin, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.add("--cache-dir=" + cacheDir());
    argv.addAll(List.of(args));
    return CommandLine.run(
        "kubectl " + String.join(" ", args),
        argv,
        Map.of("KUBECONFIG", kubeconfig, "KUBECTL_COLOR", "false"),
        stdin,
        TIMEOUT);
  }

  private synchronized Path cacheDir() {
    if (cacheDir == null) {
      try {
        cacheDir = Files.createTempDirectory("kubetask-e2e-kubectl-cache");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path dir = cacheDir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
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
}
