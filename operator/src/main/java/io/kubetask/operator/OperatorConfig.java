package io.kubetask.operator;

import io.kubetask.workflows.temporal.TemporalSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read once from the environment.
 *
 * @param temporal how to reach Temporal ({@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 *     {@code KUBETASK_TASK_QUEUE}, TLS and API key)
 * @param resync how often every resource is reconciled even without events ({@code
 *     KUBETASK_RESYNC_SECONDS}, default 300)
 * @param watchNamespaces the namespaces to watch ({@code KUBETASK_WATCH_NAMESPACES}, comma
 *     separated); empty means all namespaces
 * @param leaderElection whether and where replicas elect the one that reconciles
 * @param finalizerTimeout how long a deleted Task or CronTask waits for Temporal before it goes
 *     without it ({@code KUBETASK_FINALIZER_TIMEOUT_SECONDS}, default 60)
 */
public record OperatorConfig(
    TemporalSettings temporal,
    Duration resync,
    Set<String> watchNamespaces,
    LeaderElection leaderElection,
    Duration finalizerTimeout) {
  public static final long DEFAULT_RESYNC_SECONDS = 300;
  public static final long DEFAULT_FINALIZER_TIMEOUT_SECONDS = 60;

  /**
   * Leader election on a Lease, so that of several operator replicas only one reconciles.
   *
   * @param enabled {@code KUBETASK_LEADER_ELECTION} (default false: one process, e.g. locally)
   * @param leaseName {@code KUBETASK_LEADER_ELECTION_LEASE} (default {@code kubetask-operator})
   * @param namespace where the Lease lives: {@code KUBETASK_NAMESPACE}, else {@code POD_NAMESPACE},
   *     else null for the Kubernetes client's namespace (in a pod: its own)
   */
  public record LeaderElection(boolean enabled, String leaseName, String namespace) {
    public static final String DEFAULT_LEASE = "kubetask-operator";
    public static final LeaderElection DISABLED = new LeaderElection(false, DEFAULT_LEASE, null);
  }

  public OperatorConfig {
    if (resync.isNegative() || resync.isZero()) {
      throw new IllegalArgumentException("KUBETASK_RESYNC_SECONDS must be positive: " + resync);
    }
    if (finalizerTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "KUBETASK_FINALIZER_TIMEOUT_SECONDS must not be negative: " + finalizerTimeout);
    }
    watchNamespaces = Set.copyOf(watchNamespaces);
  }

  public static OperatorConfig fromEnv(Map<String, String> env) {
    return new OperatorConfig(
        TemporalSettings.fromEnv(env),
        Duration.ofSeconds(seconds(env, "KUBETASK_RESYNC_SECONDS", DEFAULT_RESYNC_SECONDS)),
        namespaces(env.getOrDefault("KUBETASK_WATCH_NAMESPACES", "")),
        new LeaderElection(
            bool(env, "KUBETASK_LEADER_ELECTION", false),
            value(env, "KUBETASK_LEADER_ELECTION_LEASE", LeaderElection.DEFAULT_LEASE),
            value(env, "KUBETASK_NAMESPACE", value(env, "POD_NAMESPACE", null))),
        Duration.ofSeconds(
            seconds(env, "KUBETASK_FINALIZER_TIMEOUT_SECONDS", DEFAULT_FINALIZER_TIMEOUT_SECONDS)));
  }

  public boolean watchAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  private static long seconds(Map<String, String> env, String name, long fallback) {
    String value = value(env, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + value, e);
    }
  }

  private static Set<String> namespaces(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = value(env, name, null);
    if (value == null) {
      return fallback;
    }
    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(name + " must be true or false: " + value);
    }
    return Boolean.parseBoolean(value);
  }
}
