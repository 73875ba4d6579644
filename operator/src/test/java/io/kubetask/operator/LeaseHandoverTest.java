package io.kubetask.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseHandoverTest {
  @Test
  void theIdentityIsThePodNameWithASuffixThatTellsProcessesOnOneHostApart() {
    String one = LeaseHandover.identity("kubetask-operator-7d9f8-x2x4q");
    String other = LeaseHandover.identity("kubetask-operator-7d9f8-x2x4q");

    assertThat(one).matches("kubetask-operator-7d9f8-x2x4q-[0-9a-f]{8}");
    assertThat(other).isNotEqualTo(one);
    assertThat(LeaseHandover.identity(null)).matches("kubetask-[0-9a-f]{8}");
    assertThat(LeaseHandover.identity(" ")).matches("kubetask-[0-9a-f]{8}");
  }
}
