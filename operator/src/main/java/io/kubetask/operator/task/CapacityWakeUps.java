package io.kubetask.operator.task;

import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.capacity.CapacityQueue;
import io.kubetask.workflows.capacity.Slots;
import io.kubetask.workflows.k8s.ConditionLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which queued Tasks a free slot goes to, as the operator's caches see the namespace: their
 * workflows are told to ask for it. The worker's admission decides; this only wakes the Tasks that
 * should ask, and none while no slot is free, so a long queue costs nothing while it waits.
 */
final class CapacityWakeUps {
  private CapacityWakeUps() {}

  /** A queued Task to wake, and what about: its status as read and who holds the slots. */
  record Wake(Task task, String news) {}

  /** The limits in force in a namespace, or empty when it has none. */
  static Optional<CapacityQueue.Limits> limits(Stream<Agent> agents, KubeTaskConfig config) {
    Integer namespaceLimit =
        config == null || config.getSpec() == null ? null : config.getSpec().maxActiveTasks();
    List<Agent> all = agents.toList();
    boolean agentLimits =
        all.stream().anyMatch(a -> a.getSpec() != null && a.getSpec().maxConcurrentTasks() != null);
    boolean rate =
        config != null && config.getSpec() != null && config.getSpec().maxTasksPerHour() != null;
    return namespaceLimit == null && !agentLimits && !rate
        ? Optional.empty()
        : Optional.of(Slots.limits(all, namespaceLimit));
  }

  /**
   * The queued Tasks of the namespace that the free slots go to now. A Task told about the same
   * {@link Wake#news} once needs no second signal.
   *
   * @param tasks the Tasks of the namespace
   * @param limits the limits in force there
   * @param config the resourceVersion of the namespace's KubeTaskConfig, or null: a changed start
   *     rate, which the operator does not count, is news too
   */
  static List<Wake> toWake(List<Task> tasks, CapacityQueue.Limits limits, String config) {
    if (tasks.stream().noneMatch(CapacityWakeUps::isQueued)) {
      return List.of();
    }
    var queue = new CapacityQueue(tasks, limits, Set.of(), null);
    Set<String> holders = new TreeSet<>();
    queue.holders().forEach(t -> holders.add(t.getMetadata().getName()));
    List<Wake> wake = new ArrayList<>();
    for (Task task : tasks) {
      var place = queue.place(task);
      if (isQueued(task) && place != null && place.admitted()) {
        String agent = CapacityQueue.agent(task);
        // The operator does not count starts: a Task waiting for its start rate has a timer for
        // its turn, and is woken here only when the limits change.
        String slots = rateLimited(task) ? "rate" : String.join(",", holders);
        wake.add(
            new Wake(
                task,
                String.join(
                    " ",
                    task.getMetadata().getResourceVersion(),
                    slots,
                    String.valueOf(limits.agentLimit().apply(agent)),
                    String.valueOf(config))));
      }
    }
    return wake;
  }

  private static boolean rateLimited(Task task) {
    return ConditionLists.find(task.getStatus().conditions(), Conditions.READY)
        .map(c -> Conditions.RATE_LIMITED.equals(c.getReason()))
        .orElse(false);
  }

  static boolean isQueued(Task task) {
    return task.getStatus() != null && task.getStatus().phase() == TaskPhase.QUEUED;
  }
}
