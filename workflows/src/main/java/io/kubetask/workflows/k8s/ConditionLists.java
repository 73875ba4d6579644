package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Updates a list of Kubernetes conditions the way API conventions ask. */
public final class ConditionLists {
  private ConditionLists() {}

  /**
   * Sets the condition of {@code type}, keeping its lastTransitionTime when its status does not
   * change, and the other conditions as they are.
   */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    List<Condition> result = new ArrayList<>(conditions == null ? List.of() : conditions);
    Optional<Condition> old = find(result, type);
    String since =
        old.filter(c -> Objects.equals(c.getStatus(), status))
            .map(Condition::getLastTransitionTime)
            .orElse(Times.format(now));
    Condition updated =
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    old.ifPresentOrElse(c -> result.set(result.indexOf(c), updated), () -> result.add(updated));
    return result;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
