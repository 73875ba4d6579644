package io.kubetask.workflows.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionListsTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2025-01-01T01:00:00Z");

  @Test
  void addsANewConditionToANullList() {
    List<Condition> result =
        ConditionLists.set(null, "Ready", "False", "AgentNotFound", "no agent", 3L, T0);

    assertThat(result).hasSize(1);
    Condition c = result.get(0);
    assertThat(c.getType()).isEqualTo("Ready");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("AgentNotFound");
    assertThat(c.getMessage()).isEqualTo("no agent");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
    assertThat(c.getLastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");
  }

  @Test
  void sameStatusKeepsTheTransitionTimeButUpdatesTheRest() {
    List<Condition> first =
        ConditionLists.set(null, "Ready", "False", "AgentNotFound", "a", 1L, T0);
    List<Condition> second =
        ConditionLists.set(first, "Ready", "False", "ContextNotFound", "b", 2L, T1);

    assertThat(second).hasSize(1);
    assertThat(second.get(0).getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(second.get(0).getReason()).isEqualTo("ContextNotFound");
    assertThat(second.get(0).getMessage()).isEqualTo("b");
    assertThat(second.get(0).getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void changedStatusMovesTheTransitionTime() {
    List<Condition> first =
        ConditionLists.set(null, "Ready", "False", "AgentNotFound", "a", 1L, T0);
    List<Condition> second = ConditionLists.set(first, "Ready", "True", "JobCreated", "b", 1L, T1);

    assertThat(second.get(0).getStatus()).isEqualTo("True");
    assertThat(second.get(0).getLastTransitionTime()).isEqualTo(T1.toString());
  }

  @Test
  void otherConditionsKeepTheirPlaceAndValues() {
    List<Condition> list = ConditionLists.set(null, "Ready", "True", "JobCreated", "r", 1L, T0);
    list = ConditionLists.set(list, "Succeeded", "Unknown", "Running", "s", 1L, T0);
    list = ConditionLists.set(list, "HumanInTheLoop", "True", "WindowOpen", "h", 1L, T0);
    Condition readyBefore = list.get(0);
    Condition hitlBefore = list.get(2);

    List<Condition> updated =
        ConditionLists.set(list, "Succeeded", "True", "Completed", "done", 1L, T1);

    assertThat(updated)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Succeeded", "HumanInTheLoop");
    assertThat(updated.get(0)).isEqualTo(readyBefore);
    assertThat(updated.get(2)).isEqualTo(hitlBefore);
    assertThat(updated.get(1).getStatus()).isEqualTo("True");
    // The input list is not modified.
    assertThat(list.get(1).getStatus()).isEqualTo("Unknown");
  }

  @Test
  void findAndIsTrue() {
    List<Condition> list = ConditionLists.set(null, "Ready", "True", "JobCreated", "r", 1L, T0);
    list = ConditionLists.set(list, "Succeeded", "False", "Failed", "f", 1L, T0);

    assertThat(ConditionLists.find(list, "Ready")).isPresent();
    assertThat(ConditionLists.find(list, "Missing")).isEmpty();
    assertThat(ConditionLists.find(null, "Ready")).isEmpty();
    assertThat(ConditionLists.isTrue(list, "Ready")).isTrue();
    assertThat(ConditionLists.isTrue(list, "Succeeded")).isFalse();
    assertThat(ConditionLists.isTrue(list, "Missing")).isFalse();
    assertThat(ConditionLists.isTrue(null, "Ready")).isFalse();
  }
}
