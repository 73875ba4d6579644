package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.Task;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the operator with Tasks at every point of their life (see {@link FaultScenario}). The
 * workflows carry on without it; what only the operator sees (the ConfigMap that appeared, Jobs
 * that finished, release annotations, a deleted Task) reaches them once it is back. A Task deleted
 * while the operator is down stays, with its Job, until the operator removes its finalizer.
 */
class OperatorFaultsE2E extends FaultSuite {

  @Test
  void everyTaskReachesItsEndStateAfterTheOperatorWasKilled() {
    survive(
        () -> rig.operator.kill(),
        () -> {
          Task deleted = rig.run.get("deleted");
          assertThat(deleted)
              .as("a Task deleted while the operator is down waits for it")
              .isNotNull();
          assertThat(deleted.getMetadata().getDeletionTimestamp()).isNotNull();
          assertThat(rig.run.jobs(deleted)).as("and so does its Job").hasSize(1);
          assertThat(rig.run.get("created-1").getStatus())
              .as("no workflow without the operator")
              .isNull();
        },
        () -> rig.operator.start(),
        true);
  }
}
