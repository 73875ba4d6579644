package io.kubetask.operator;

import io.kubetask.workflows.api.TemporalSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read once from the environment.
 *
 * @param temporal how to reach Temporal ({@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 *     {@code KUBETASK_TASK_QUEUE})
 * @param resync how often every resource is reconciled even without events ({@code
 *     KUBETASK_RESYNC_SECONDS}, default 300)
 * @param watchNamespaces the namespaces to watch ({@code KUBETASK_WATCH_NAMESPACES}, comma
 *     separated); empty means all namespaces
 */
public record OperatorConfig(
    TemporalSettings temporal, Duration resync, Set<String> watchNamespaces) {
  public static final long DEFAULT_RESYNC_SECONDS = 300;

  public OperatorConfig {
    if (resync.isNegative() || resync.isZero()) {
      throw new IllegalArgumentException("KUBETASK_RESYNC_SECONDS must be positive: " + resync);
    }
    watchNamespaces = Set.copyOf(watchNamespaces);
  }

  public static OperatorConfig fromEnv(Map<String, String> env) {
    return new OperatorConfig(
        TemporalSettings.fromEnv(env),
        Duration.ofSeconds(resyncSeconds(env.get("KUBETASK_RESYNC_SECONDS"))),
        namespaces(env.getOrDefault("KUBETASK_WATCH_NAMESPACES", "")));
  }

  public boolean watchAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  private static long resyncSeconds(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_RESYNC_SECONDS;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("KUBETASK_RESYNC_SECONDS is not a number: " + value, e);
    }
  }

  private static Set<String> namespaces(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}
