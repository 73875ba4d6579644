package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.TestNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of the worker with Tasks at every point of their life (see {@link FaultScenario}). The
 * operator keeps signalling; Temporal keeps the signals, the timers that fire meanwhile (the
 * expiring window, the TTLs) and the new workflows, and a new worker process takes them all.
 */
@Tag("faults")
class WorkerFaultsE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static FaultRig rig;

  @BeforeAll
  static void start() {
    rig = FaultRig.start(NS);
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void everyTaskReachesItsEndStateAfterTheWorkerWasKilled() {
    FaultScenario scenario = rig.scenario();
    scenario.arm();
    scenario.assertStillArmed();

    rig.worker.kill();
    scenario.duringOutage();
    scenario.awaitOutageEffects();

    assertThat(rig.run.get("created-1").getStatus()).as("nothing runs activities").isNull();
    assertThat(rig.ttl.get("ttl-1")).as("nothing deletes expired Tasks").isNotNull();
    assertThat(rig.run.get("blocked-1").getStatus().phase()).isEqualTo(TaskPhase.PENDING);

    rig.worker.start();
    scenario.awaitEndStates();
    scenario.assertEndStates(true);
    System.out.println("WorkerFaultsE2E: " + scenario.report());
  }
}
