package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.TaskSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunLimitsTest {
  @Test
  void withoutLimitsAnAgentMayTakeFifteenMinutesToStartAndRunForever() {
    assertThat(RunLimits.of(task(null, null), agent(null, null)))
        .isEqualTo(new RunLimits(900, null));
  }

  @Test
  void theTasksOwnLimitsWinOverTheAgents() {
    assertThat(RunLimits.of(task(null, null), agent("5m", "2h")))
        .isEqualTo(new RunLimits(300, 7200L));
    assertThat(RunLimits.of(task("90s", "1h30m"), agent("5m", "2h")))
        .isEqualTo(new RunLimits(90, 5400L));
  }

  @Test
  void partsOfASecondRoundUp() {
    assertThat(RunLimits.of(task("1500ms", null), agent(null, null)).startTimeoutSeconds())
        .isEqualTo(2);
  }

  @Test
  void aValueThatIsNoDurationIsNamedInTheError() {
    assertThatThrownBy(() -> RunLimits.of(task(null, "soon"), agent(null, null)))
        .hasMessage("timeout \"soon\" is no duration such as 90s, 15m or 1h30m");
  }

  @Test
  void theLimitsTravelOnTheJobsAnnotations() {
    RunLimits limits = new RunLimits(300, 7200L);

    assertThat(limits.annotations())
        .isEqualTo(
            Map.of(
                "kubetask.io/start-timeout-seconds", "300",
                "kubetask.io/timeout-seconds", "7200"));
    assertThat(RunLimits.fromAnnotations(limits.annotations())).contains(limits);
    assertThat(RunLimits.fromAnnotations(new RunLimits(900, null).annotations()))
        .contains(new RunLimits(900, null));
    assertThat(RunLimits.fromAnnotations(Map.of())).isEmpty();
    assertThat(RunLimits.fromAnnotations(null)).isEmpty();
    assertThat(RunLimits.fromAnnotations(Map.of("kubetask.io/start-timeout-seconds", "x")))
        .isEmpty();
  }

  private static TaskSpec task(String startTimeout, String timeout) {
    return new TaskSpec(List.of(), null, startTimeout, timeout);
  }

  private static AgentSpec agent(String startTimeout, String timeout) {
    return new AgentSpec(null, null, null, null, null, null, null, "sa", startTimeout, timeout);
  }
}
