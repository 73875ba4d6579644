package io.kubetask.operator.task;

import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.capacity.CapacityQueue;
import io.kubetask.workflows.capacity.Slots;
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
    return namespaceLimit == null && !agentLimits
        ? Optional.empty()
        : Optional.of(Slots.limits(all, namespaceLimit));
  }

  /**
   * The queued Tasks of the namespace that the free slots go to now. A Task told about the same
   * {@link Wake#news} once needs no second signal.
   *
   * @param tasks the Tasks of the namespace
   * @param limits the limits in force there
   */
  static List<Wake> toWake(List<Task> tasks, CapacityQueue.Limits limits) {
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
        wake.add(
            new Wake(
                task, task.getMetadata().getResourceVersion() + " " + String.join(",", holders)));
      }
    }
    return wake;
  }

  static boolean isQueued(Task task) {
    return task.getStatus() != null && task.getStatus().phase() == TaskPhase.QUEUED;
  }
}
