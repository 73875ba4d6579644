package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.TaskPhase;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the Temporal dev server, its SQLite file kept, with Tasks at every point of their life
 * (see {@link FaultScenario}): the operator's calls fail and are retried, the worker waits, and
 * once the server is back every workflow carries on as the same run, its timers and signals intact.
 */
class TemporalFaultsE2E extends FaultSuite {

  @Test
  void everyTaskReachesItsEndStateAfterTemporalWasKilled() {
    survive(
        () -> rig.temporalServer.kill(),
        () -> {
          assertThat(rig.run.get("created-1").getStatus()).isNull();
          assertThat(rig.run.get("blocked-1").getStatus().phase()).isEqualTo(TaskPhase.PENDING);
        },
        () -> rig.temporalServer.up(),
        true);
  }
}
