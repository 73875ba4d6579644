package io.kubetask.e2e.faults;

import io.kubetask.e2e.support.TestNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One fault suite: its own namespaces and KubeTask processes ({@link FaultRig}), and the course of
 * every fault test: arm the {@link FaultScenario}, break something, check what the outage shows,
 * repair, and check each Task's end state.
 */
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one rig for the class, in instance fields
abstract class FaultSuite {
  @RegisterExtension final TestNamespace ns = new TestNamespace();

  FaultRig rig;

  @BeforeAll
  void startRig() {
    rig = FaultRig.start(ns);
  }

  @AfterAll
  void stopRig() {
    if (rig != null) {
      rig.close();
    }
  }

  /**
   * Runs the scenario through one outage.
   *
   * @param fault breaks a component
   * @param duringOutage checks what the outage shows, once its effects have settled
   * @param repair ends the outage; it runs even when those checks fail
   * @param sameWorkflows whether every workflow must still be the run it was at the fault
   */
  void survive(Runnable fault, Runnable duringOutage, Runnable repair, boolean sameWorkflows) {
    FaultScenario scenario = rig.scenario();
    scenario.arm();
    scenario.assertStillArmed();

    fault.run();
    try {
      scenario.duringOutage();
      scenario.awaitOutageEffects();
      duringOutage.run();
    } finally {
      repair.run();
    }
    scenario.awaitEndStates();
    scenario.assertEndStates(sameWorkflows);
    System.out.println(getClass().getSimpleName() + ": " + scenario.report());
  }
}
