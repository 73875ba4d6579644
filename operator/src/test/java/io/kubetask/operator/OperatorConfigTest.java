package io.kubetask.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetask.workflows.temporal.TaskQueues;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaults() {
    var config = OperatorConfig.fromEnv(Map.of());

    assertThat(config.resync()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.watchAllNamespaces()).isTrue();
    assertThat(config.temporal().address()).isEqualTo("127.0.0.1:7233");
    assertThat(config.temporal().namespace()).isEqualTo("default");
    assertThat(config.temporal().taskQueue()).isEqualTo(TaskQueues.DEFAULT);
    assertThat(config.leaderElection()).isEqualTo(OperatorConfig.LeaderElection.DISABLED);
    assertThat(config.finalizerTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theFinalizerTimeoutIsSecondsAndNeverNegative() {
    assertThat(
            OperatorConfig.fromEnv(Map.of("KUBETASK_FINALIZER_TIMEOUT_SECONDS", "15"))
                .finalizerTimeout())
        .isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("KUBETASK_FINALIZER_TIMEOUT_SECONDS", "-1")))
        .hasMessage("KUBETASK_FINALIZER_TIMEOUT_SECONDS must not be negative: PT-1S");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("KUBETASK_FINALIZER_TIMEOUT_SECONDS", "1m")))
        .hasMessage("KUBETASK_FINALIZER_TIMEOUT_SECONDS is not a number: 1m");
  }

  @Test
  void readsEverySetting() {
    var config =
        OperatorConfig.fromEnv(
            Map.of(
                "TEMPORAL_ADDRESS", "temporal:7233",
                "TEMPORAL_NAMESPACE", "kubetask",
                "KUBETASK_TASK_QUEUE", "q",
                "KUBETASK_RESYNC_SECONDS", "60",
                "KUBETASK_WATCH_NAMESPACES", " team-a, team-b ,,"));

    assertThat(config.resync()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.watchNamespaces()).isEqualTo(Set.of("team-a", "team-b"));
    assertThat(config.watchAllNamespaces()).isFalse();
    assertThat(config.temporal().address()).isEqualTo("temporal:7233");
    assertThat(config.temporal().namespace()).isEqualTo("kubetask");
    assertThat(config.temporal().taskQueue()).isEqualTo("q");
  }

  @Test
  void leaderElection() {
    var inPod =
        OperatorConfig.fromEnv(Map.of("KUBETASK_LEADER_ELECTION", "true", "POD_NAMESPACE", "ops"));
    var named =
        OperatorConfig.fromEnv(
            Map.of(
                "KUBETASK_LEADER_ELECTION", "TRUE",
                "KUBETASK_LEADER_ELECTION_LEASE", "kt",
                "KUBETASK_NAMESPACE", "kubetask-system",
                "POD_NAMESPACE", "ops"));

    assertThat(inPod.leaderElection())
        .isEqualTo(new OperatorConfig.LeaderElection(true, "kubetask-operator", "ops"));
    assertThat(named.leaderElection())
        .isEqualTo(new OperatorConfig.LeaderElection(true, "kt", "kubetask-system"));
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("KUBETASK_LEADER_ELECTION", "yes")))
        .hasMessageContaining("KUBETASK_LEADER_ELECTION must be true or false");
  }

  @Test
  void blankValuesMeanDefaults() {
    var config =
        OperatorConfig.fromEnv(
            Map.of("KUBETASK_RESYNC_SECONDS", " ", "KUBETASK_WATCH_NAMESPACES", " "));

    assertThat(config.resync()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.watchAllNamespaces()).isTrue();
  }

  @Test
  void rejectsBadResync() {
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("KUBETASK_RESYNC_SECONDS", "5m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KUBETASK_RESYNC_SECONDS");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("KUBETASK_RESYNC_SECONDS", "0")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
