package io.kubetask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  @Test
  void theWorkflowCacheIsSmallUnlessSetOtherwise() {
    assertThat(WorkerConfig.fromEnv(Map.of()).workflowCacheSize()).isEqualTo(100);
    assertThat(
            WorkerConfig.fromEnv(Map.of("KUBETASK_WORKFLOW_CACHE_SIZE", " 600 "))
                .workflowCacheSize())
        .isEqualTo(600);
  }

  @Test
  void aCacheSizeThatIsNotAPositiveNumberIsRefusedByName() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("KUBETASK_WORKFLOW_CACHE_SIZE", "lots")))
        .hasMessage("KUBETASK_WORKFLOW_CACHE_SIZE must be a whole number: lots");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("KUBETASK_WORKFLOW_CACHE_SIZE", "0")))
        .hasMessage("KUBETASK_WORKFLOW_CACHE_SIZE must be positive: 0");
  }
}
