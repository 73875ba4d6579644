package io.kubetask.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGTERM, as a rollout or a pod deletion sends it, ends every mode of the real program within
 * seconds, leader election on or off; a leader hands its Lease over on the way out, so the standby
 * takes over at once rather than when the Lease expires (15 s after the last renewal).
 */
@Tag("deploy")
class ShutdownE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Duration EXIT_BOUND = Duration.ofSeconds(10);
  private static final Pattern LEADING = Pattern.compile("Leading on Lease \\S+ as (\\S+)");

  @ParameterizedTest(name = "{0}, leader election {1}")
  @CsvSource({
    "operator, true",
    "operator, false",
    "worker, false",
    "all-in-one, true",
    "all-in-one, false"
  })
  void sigtermEndsTheProcessWithinSeconds(String mode, boolean leaderElection) {
    String lease = leaseName();
    KubeTaskProcess process =
        KubeTaskProcess.jar(NS.stack(), mode, settings(lease, leaderElection)).start();
    if (leaderElection) {
      await("the process leads").atMost(Duration.ofSeconds(60)).until(() -> holder(lease) != null);
    }

    Duration took = process.terminate();

    assertThat(took).as("%s ends after SIGTERM", mode).isLessThan(EXIT_BOUND);
    assertThat(process.log()).as("its shutdown hook ran to the end").contains("KubeTask stopped");
    if (leaderElection) {
      assertThat(holder(lease)).as("the Lease is released").isNull();
    }
  }

  @Test
  void aStoppedLeaderHandsItsLeaseToTheStandby() {
    String lease = leaseName();
    KubeTaskProcess first =
        KubeTaskProcess.jar(NS.stack(), "operator", settings(lease, true)).start();
    String firstIdentity = identity(first);
    assertThat(holder(lease)).isEqualTo(firstIdentity);
    KubeTaskProcess second =
        KubeTaskProcess.jar(NS.stack(), "operator", settings(lease, true)).start();
    try {
      Instant stopped = Instant.now();
      Duration took = first.terminate();
      await("the standby takes the Lease")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> holder(lease) != null && !holder(lease).equals(firstIdentity));
      Duration handover = Duration.between(stopped, Instant.now());
      System.err.println(
          "ShutdownE2E: the leader ended " + took + " after SIGTERM; handover took " + handover);

      assertThat(took).isLessThan(EXIT_BOUND);
      assertThat(handover)
          .as("well before the Lease of 15 s would have expired")
          .isLessThan(Duration.ofSeconds(15));
      assertThat(holder(lease)).isEqualTo(identity(second));
    } finally {
      second.close();
    }
  }

  private static Map<String, String> settings(String lease, boolean leaderElection) {
    Map<String, String> settings =
        KubeTaskProcess.owning(
            "kubetask-shutdown-" + UUID.randomUUID().toString().substring(0, 8), NS.name());
    settings.put("KUBETASK_LEADER_ELECTION", Boolean.toString(leaderElection));
    settings.put("KUBETASK_LEADER_ELECTION_LEASE", lease);
    settings.put("KUBETASK_NAMESPACE", NS.name());
    return settings;
  }

  private static String leaseName() {
    return "kubetask-operator-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The identity a process leads with, from its log, once it leads. */
  private static String identity(KubeTaskProcess process) {
    Matcher[] leading = new Matcher[1];
    await("it leads")
        .atMost(Duration.ofSeconds(60))
        .until(() -> (leading[0] = LEADING.matcher(process.log())).find());
    return leading[0].group(1);
  }

  private static String holder(String lease) {
    Lease current = NS.client().leases().inNamespace(NS.name()).withName(lease).get();
    return current == null || current.getSpec() == null
        ? null
        : current.getSpec().getHolderIdentity();
  }
}
