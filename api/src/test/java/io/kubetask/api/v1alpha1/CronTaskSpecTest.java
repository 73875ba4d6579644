package io.kubetask.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CronTaskSpecTest {
  private static final TaskTemplateSpec TEMPLATE =
      new TaskTemplateSpec(null, new TaskSpec(List.<Context>of(), null));

  @Test
  void defaultsFillWhatTheSpecLeavesOut() {
    var spec = new CronTaskSpec("0 9 * * *", null, null, null, null, null, null, TEMPLATE);

    assertThat(spec.concurrencyPolicyOrDefault()).isEqualTo(ConcurrencyPolicy.FORBID);
    assertThat(spec.timeZoneOrDefault()).isEqualTo("UTC");
    assertThat(spec.startingDeadlineSecondsOrDefault()).isEqualTo(300L);
  }

  @Test
  void whatTheSpecSetsWins() {
    var spec =
        new CronTaskSpec(
            "0 9 * * *", "Asia/Tokyo", 45L, ConcurrencyPolicy.REPLACE, null, null, null, TEMPLATE);

    assertThat(spec.concurrencyPolicyOrDefault()).isEqualTo(ConcurrencyPolicy.REPLACE);
    assertThat(spec.timeZoneOrDefault()).isEqualTo("Asia/Tokyo");
    assertThat(spec.startingDeadlineSecondsOrDefault()).isEqualTo(45L);
  }
}
