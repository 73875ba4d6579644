package io.kubetask.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Approval;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.workflows.approval.ApprovalGate.Decision;
import io.kubetask.workflows.approval.ApprovalGate.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalGateTest {
  private static final Instant CREATED = Instant.parse("2026-12-01T10:00:00Z");
  private static final Approval WITHIN_AN_HOUR = new Approval(true, 3600);

  private static Task task(Map<String, String> annotations) {
    Task task = new Task("team-a", "migrate", new TaskSpec(List.of(), "claude"));
    task.getMetadata().setCreationTimestamp(CREATED.toString());
    task.getMetadata().setAnnotations(annotations);
    return task;
  }

  @Test
  void aTaskWithoutARequiredApprovalGoesOn() {
    assertThat(ApprovalGate.decide(task(Map.of()), null, CREATED).state())
        .isEqualTo(State.NOT_REQUIRED);
    assertThat(ApprovalGate.decide(task(Map.of()), new Approval(false, 60), CREATED).state())
        .isEqualTo(State.NOT_REQUIRED);
  }

  @Test
  void aTaskWaitsWithHowToApproveItAndUntilWhen() {
    Decision waiting = ApprovalGate.decide(task(Map.of()), WITHIN_AN_HOUR, CREATED.plusSeconds(5));

    assertThat(waiting)
        .isEqualTo(
            new Decision(
                State.WAITING,
                "AwaitingApproval",
                "Waiting for approval: kubectl annotate task migrate kubetask.io/approve=true (or"
                    + " kubetask.io/reject=<reason>); it fails at 2026-12-01T11:00:00Z without"
                    + " one.",
                CREATED.plusSeconds(3600)));
    assertThat(ApprovalGate.decide(task(Map.of()), new Approval(true, null), CREATED).deadline())
        .isNull();
  }

  @Test
  void onlyTrueApprovesAndARejectionWinsOverAnApproval() {
    assertThat(
            ApprovalGate.decide(
                    task(Map.of(KubeTaskAnnotations.APPROVE, "true")), WITHIN_AN_HOUR, CREATED)
                .state())
        .isEqualTo(State.APPROVED);
    assertThat(
            ApprovalGate.decide(
                    task(Map.of(KubeTaskAnnotations.APPROVE, "yes")), WITHIN_AN_HOUR, CREATED)
                .state())
        .isEqualTo(State.WAITING);

    Decision rejected =
        ApprovalGate.decide(
            task(
                Map.of(
                    KubeTaskAnnotations.APPROVE, "true", KubeTaskAnnotations.REJECT, "too risky")),
            WITHIN_AN_HOUR,
            CREATED);
    assertThat(rejected.state()).isEqualTo(State.REJECTED);
    assertThat(rejected.reason()).isEqualTo("Rejected");
    assertThat(rejected.message()).isEqualTo("Rejected (kubetask.io/reject: too risky).");
  }

  @Test
  void noApprovalInTimeFailsTheTaskFromItsCreationOn() {
    Decision late =
        ApprovalGate.decide(task(Map.of()), new Approval(true, 30), CREATED.plusSeconds(30));

    assertThat(late.state()).isEqualTo(State.TIMED_OUT);
    assertThat(late.reason()).isEqualTo("ApprovalTimeout");
    assertThat(late.message()).isEqualTo("No approval came within 30s of the Task's creation.");
    // An approval that came in time still counts when the Task is looked at later.
    assertThat(
            ApprovalGate.decide(
                    task(Map.of(KubeTaskAnnotations.APPROVE, "true")),
                    new Approval(true, 30),
                    CREATED.plusSeconds(300))
                .state())
        .isEqualTo(State.APPROVED);
  }
}
