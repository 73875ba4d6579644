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
 * kill -9 of the Temporal dev server, its SQLite file kept, with Tasks at every point of their life
 * (see {@link FaultScenario}): the operator's calls fail and are retried, the worker waits, and
 * once the server is back every workflow carries on as the same run, its timers and signals intact.
 */
@Tag("faults")
class TemporalFaultsE2E {
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
  void everyTaskReachesItsEndStateAfterTemporalWasKilled() {
    FaultScenario scenario = rig.scenario();
    scenario.arm();
    scenario.assertStillArmed();

    rig.temporalServer.kill();
    try {
      scenario.duringOutage();
      scenario.awaitOutageEffects();
      assertThat(rig.run.get("created-1").getStatus()).isNull();
      assertThat(rig.run.get("blocked-1").getStatus().phase()).isEqualTo(TaskPhase.PENDING);
    } finally {
      rig.temporalServer.up();
    }
    scenario.awaitEndStates();
    scenario.assertEndStates(true);
    System.out.println("TemporalFaultsE2E: " + scenario.report());
  }
}
