package io.kubetask.e2e.deploy;

import io.kubetask.e2e.support.CommandLine;
import io.kubetask.e2e.support.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The helm binary that {@code hack/stack build} builds from the Go module proxy into the cache
 * (hack/lib/helm.sh): found in {@code .stack/bin}, the cache, or on PATH, in that order. Runs with
 * its own empty configuration, so a developer's repositories and plugins play no part.
 */
public final class Helm {
  private final Path binary;
  private final Path home;

  private Helm(Path binary) throws IOException {
    this.binary = binary;
    this.home = Files.createTempDirectory("kubetask-e2e-helm");
  }

  /** The helm of this checkout's stack; fails the suite, with what to do, when there is none. */
  public static Helm find(Stack stack) {
    String version = helmVersion(stack.repoRoot());
    List<Path> candidates = new ArrayList<>();
    stack.setting("KUBETASK_STACK_BIN").ifPresent(bin -> candidates.add(Path.of(bin, "helm")));
    String cache = System.getenv("KUBETASK_CACHE");
    Path cacheDir =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "kubetask");
    candidates.add(cacheDir.resolve("helm-" + version).resolve("helm"));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        candidates.add(Path.of(dir, "helm"));
      }
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        try {
          return new Helm(candidate);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError(
        "KubeTask E2E: no helm binary (looked at "
            + candidates.subList(0, Math.min(2, candidates.size()))
            + " and PATH). Build it with 'hack/stack build' (helm "
            + version
            + " from the Go module proxy, see hack/lib/helm.sh).");
  }

  /** HELM_VERSION of hack/lib/helm.sh. */
  static String helmVersion(Path repoRoot) {
    try {
      Matcher m =
          Pattern.compile("(?m)^HELM_VERSION=(\\S+)")
              .matcher(Files.readString(repoRoot.resolve("hack/lib/helm.sh")));
      if (!m.find()) {
        throw new AssertionError("no HELM_VERSION in hack/lib/helm.sh");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code helm <args>} and returns its standard output; fails unless it exits with 0. */
  public String run(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.addAll(List.of(args));
    return CommandLine.run(
            "helm " + String.join(" ", args),
            argv,
            Map.of(
                "HELM_CONFIG_HOME", home.resolve("config").toString(),
                "HELM_CACHE_HOME", home.resolve("cache").toString(),
                "HELM_DATA_HOME", home.resolve("data").toString()),
            null,
            Duration.ofSeconds(120))
        .ok();
  }
}
