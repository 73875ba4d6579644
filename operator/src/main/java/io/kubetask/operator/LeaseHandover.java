package io.kubetask.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator replica does when it stops leading. Stopping on purpose (SIGTERM, a rollout) it
 * hands its Lease over at once, so a standby takes over within its retry period instead of waiting
 * for the Lease to expire. Losing the Lease while running (the API server unreachable past the
 * renew deadline, or another replica took it) it ends the process, so that two replicas never
 * reconcile at once; the exit runs on a thread of its own, never on the shutdown path, where {@code
 * System.exit} would wait for itself.
 */
final class LeaseHandover {
  private static final Logger log = LoggerFactory.getLogger(LeaseHandover.class);

  private final KubernetesClient client;
  private final String leaseName;
  private final String namespace;
  private final String identity;
  private volatile boolean stopping;

  LeaseHandover(KubernetesClient client, OperatorConfig.LeaderElection election) {
    this.client = client;
    this.leaseName = election.leaseName();
    // The namespace JOSDK falls back to as well: the client's (in a pod, its own).
    this.namespace =
        election.namespace() != null
            ? election.namespace()
            : client.getConfiguration().getNamespace();
    this.identity = identity(System.getenv("HOSTNAME"));
  }

  /**
   * The pod's name (a Deployment's pods have unique ones) with a random suffix, so that two
   * processes on one host never take each other for the holder.
   */
  static String identity(String hostname) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return hostname == null || hostname.isBlank() ? "kubetask-" + suffix : hostname + "-" + suffix;
  }

  /**
   * JOSDK's leader election on this Lease, with JOSDK's durations; exits are left to this class.
   */
  LeaderElectionConfiguration configuration() {
    return new LeaderElectionConfiguration(
        leaseName,
        namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity,
        new LeaderCallbacks(
            () -> log.info("Leading on Lease {}/{} as {}", namespace, leaseName, identity),
            this::stoppedLeading,
            leader -> {}),
        false);
  }

  /** The operator is about to stop: the end of leading that follows is on purpose. */
  void stopping() {
    stopping = true;
  }

  private void stoppedLeading() {
    if (stopping) {
      release();
      return;
    }
    log.error(
        "Lost Lease {}/{}: exiting, so that only the new leader reconciles", namespace, leaseName);
    Thread exit = new Thread(() -> System.exit(1), "kubetask-lost-lease");
    exit.setDaemon(false);
    exit.start();
  }

  /** Gives the Lease up, as client-go's releaseOnCancel does: no holder, expired at once. */
  private void release() {
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(leaseName).get();
      if (lease == null
          || lease.getSpec() == null
          || !Objects.equals(lease.getSpec().getHolderIdentity(), identity)) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS);
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setAcquireTime(now);
      lease.getSpec().setRenewTime(now);
      // An update with the read resourceVersion: a Lease taken meanwhile is left alone.
      client.resource(lease).update();
      log.info("Released Lease {}/{}: a standby replica takes over now", namespace, leaseName);
    } catch (KubernetesClientException e) {
      log.warn(
          "Could not release Lease {}/{} ({}); a standby takes over when it expires",
          namespace,
          leaseName,
          e.getMessage());
    }
  }
}
