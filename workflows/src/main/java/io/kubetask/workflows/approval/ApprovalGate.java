package io.kubetask.workflows.approval;

import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Approval;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.Metadata;
import io.kubetask.workflows.k8s.Times;
import java.time.Instant;

/**
 * Whether a Task may start as far as its approval goes, decided from the Task alone: its
 * annotations say whether a person approved or rejected it, its creation time and the approval's
 * timeout say until when it may wait. Nothing of it lives in Temporal, so an approval given while
 * KubeTask was down, or before a Temporal wipe, is honoured as soon as the Task is looked at.
 */
public final class ApprovalGate {
  private ApprovalGate() {}

  /** Where the Task stands. */
  public enum State {
    /** No approval is required. */
    NOT_REQUIRED,
    APPROVED,
    REJECTED,
    /** Its approval did not come in time. */
    TIMED_OUT,
    WAITING
  }

  /**
   * The gate for one Task.
   *
   * @param state where it stands
   * @param reason the condition reason (REJECTED, TIMED_OUT, WAITING)
   * @param message what the Task's condition says (REJECTED, TIMED_OUT, WAITING)
   * @param deadline when a WAITING Task times out, or null for never
   */
  public record Decision(State state, String reason, String message, Instant deadline) {}

  /**
   * Decides for a Task.
   *
   * @param task the Task as read
   * @param approval the approval its spec, else its Agent's, asks for, or null
   * @param now the time of the decision
   */
  public static Decision decide(Task task, Approval approval, Instant now) {
    if (approval == null || !approval.isRequired()) {
      return new Decision(State.NOT_REQUIRED, null, null, null);
    }
    String reject = Metadata.annotation(task, KubeTaskAnnotations.REJECT);
    if (reject != null) {
      return new Decision(
          State.REJECTED,
          Conditions.REJECTED,
          "Rejected ("
              + KubeTaskAnnotations.REJECT
              + ": "
              + (reject.isBlank() ? "no reason given" : reject)
              + ").",
          null);
    }
    if ("true".equals(Metadata.annotation(task, KubeTaskAnnotations.APPROVE))) {
      return new Decision(State.APPROVED, Conditions.APPROVED, null, null);
    }
    Instant created = Times.instant(task.getMetadata().getCreationTimestamp());
    Instant deadline =
        approval.timeoutSeconds() == null || created == null
            ? null
            : created.plusSeconds(approval.timeoutSeconds());
    if (deadline != null && !now.isBefore(deadline)) {
      return new Decision(
          State.TIMED_OUT,
          Conditions.APPROVAL_TIMEOUT,
          "No approval came within " + approval.timeoutSeconds() + "s of the Task's creation.",
          deadline);
    }
    String name = task.getMetadata().getName();
    return new Decision(
        State.WAITING,
        Conditions.AWAITING_APPROVAL,
        "Waiting for approval: kubectl annotate task "
            + name
            + " "
            + KubeTaskAnnotations.APPROVE
            + "=true (or "
            + KubeTaskAnnotations.REJECT
            + "=<reason>)"
            + (deadline == null ? "." : "; it fails at " + deadline + " without one."),
        deadline);
  }
}
