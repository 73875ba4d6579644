package io.kubetask.workflows.task;

import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Conditions;
import java.util.regex.Pattern;

/**
 * What a stop request makes of a Task: the value of its {@code kubetask.io/stop} annotation becomes
 * the reason of its Failed outcome when it is a CamelCase word, as condition reasons are (e.g.
 * {@code OutOfBudget}); any other value is kept in the message under the reason {@code Stopped}.
 */
public final class StopRequests {
  private static final Pattern REASON = Pattern.compile("[A-Z][A-Za-z0-9]{0,127}");

  private StopRequests() {}

  public static Outcome outcome(String value) {
    String reason = value == null ? "" : value.strip();
    if (reason.isEmpty()) {
      reason = Conditions.STOPPED;
    }
    if (Conditions.REPLACED.equals(reason)) {
      return Outcome.failed(
          reason, "Stopped: its CronTask started a newer Task (concurrencyPolicy Replace).");
    }
    if (REASON.matcher(reason).matches()) {
      return Outcome.failed(reason, "Stopped on request (" + reason + ").");
    }
    return Outcome.failed(
        Conditions.STOPPED,
        "Stopped on request (" + KubeTaskAnnotations.STOP + ": " + reason + ").");
  }
}
