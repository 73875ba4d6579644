package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.TaskPhase;
import org.junit.jupiter.api.Test;

/**
 * The Temporal dev server killed and started again on an empty database, with Tasks at every point
 * of their life (see {@link FaultScenario}): every workflow is lost, and the operator re-drives
 * each Task from its CR. Running Tasks re-adopt their Job, finished Tasks get their TTL deadline
 * from completionTime, and nothing runs twice.
 */
class TemporalWipeE2E extends FaultSuite {

  @Test
  void theOperatorReDrivesEveryTaskAfterTemporalLostItsState() {
    survive(
        () -> rig.temporalServer.wipe(),
        () -> {
          assertThat(rig.run.get("created-1").getStatus()).isNull();
          assertThat(rig.run.get("blocked-1").getStatus().phase()).isEqualTo(TaskPhase.PENDING);
        },
        () -> rig.temporalServer.up(),
        false);
  }
}
