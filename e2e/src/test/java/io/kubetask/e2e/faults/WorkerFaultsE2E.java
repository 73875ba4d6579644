package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.TaskPhase;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the worker with Tasks at every point of their life (see {@link FaultScenario}). The
 * operator keeps signalling; Temporal keeps the signals, the timers that fire meanwhile (the
 * expiring window, the TTLs) and the new workflows, and a new worker process takes them all.
 */
class WorkerFaultsE2E extends FaultSuite {

  @Test
  void everyTaskReachesItsEndStateAfterTheWorkerWasKilled() {
    survive(
        () -> rig.worker.kill(),
        () -> {
          assertThat(rig.run.get("created-1").getStatus()).as("nothing runs activities").isNull();
          assertThat(rig.ttl.get("ttl-1")).as("nothing deletes expired Tasks").isNotNull();
          assertThat(rig.run.get("blocked-1").getStatus().phase()).isEqualTo(TaskPhase.PENDING);
        },
        () -> rig.worker.start(),
        true);
  }
}
