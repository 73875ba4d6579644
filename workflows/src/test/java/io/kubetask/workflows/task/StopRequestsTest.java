package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StopRequestsTest {
  @Test
  void aCamelCaseValueIsTheReason() {
    assertThat(StopRequests.outcome("OutOfBudget"))
        .isEqualTo(Outcome.failed("OutOfBudget", "Stopped on request (OutOfBudget)."));
  }

  @Test
  void anEmptyValueIsStopped() {
    assertThat(StopRequests.outcome(""))
        .isEqualTo(Outcome.failed("Stopped", "Stopped on request (Stopped)."));
    assertThat(StopRequests.outcome(null))
        .isEqualTo(Outcome.failed("Stopped", "Stopped on request (Stopped)."));
  }

  @Test
  void anyOtherValueIsStoppedWithTheValueInTheMessage() {
    assertThat(StopRequests.outcome("out of budget"))
        .isEqualTo(
            Outcome.failed("Stopped", "Stopped on request (kubetask.io/stop: out of budget)."));
    assertThat(StopRequests.outcome("outOfBudget").reason()).isEqualTo("Stopped");
  }

  @Test
  void aReplacedTaskSaysItsCronTaskStartedANewerOne() {
    assertThat(StopRequests.outcome("Replaced"))
        .isEqualTo(
            Outcome.failed(
                "Replaced",
                "Stopped: its CronTask started a newer Task (concurrencyPolicy Replace)."));
  }
}
