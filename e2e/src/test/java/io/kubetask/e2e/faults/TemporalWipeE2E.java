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
 * The Temporal dev server killed and started again on an empty database, with Tasks at every point
 * of their life (see {@link FaultScenario}): every workflow is lost, and the operator re-drives
 * each Task from its CR. Running Tasks re-adopt their Job, finished Tasks get their TTL deadline
 * from completionTime, and nothing runs twice.
 */
@Tag("faults")
class TemporalWipeE2E {
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
  void theOperatorReDrivesEveryTaskAfterTemporalLostItsState() {
    FaultScenario scenario = rig.scenario();
    scenario.arm();
    scenario.assertStillArmed();

    rig.temporalServer.wipe();
    try {
      scenario.duringOutage();
      scenario.awaitOutageEffects();
      assertThat(rig.run.get("created-1").getStatus()).isNull();
      assertThat(rig.run.get("blocked-1").getStatus().phase()).isEqualTo(TaskPhase.PENDING);
    } finally {
      rig.temporalServer.up();
    }
    scenario.awaitEndStates();
    scenario.assertEndStates(false);
    System.out.println("TemporalWipeE2E: " + scenario.report());
  }
}
