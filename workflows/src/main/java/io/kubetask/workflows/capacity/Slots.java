package io.kubetask.workflows.capacity;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.capacity.CapacityQueue.Limits;
import io.kubetask.workflows.capacity.CapacityQueue.Place;
import io.kubetask.workflows.k8s.ConditionLists;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the slots of a namespace. The Tasks are the record of who runs; the ledger, a ConfigMap
 * named {@value #LEDGER} in the namespace, adds the Tasks given a slot whose Job may not exist yet,
 * and is what makes admission exact: every admission rewrites it with a compare-and-swap on its
 * resourceVersion, so two Tasks deciding at once from the same view cannot both take the last slot;
 * the one that loses reads again. Entries of finished or deleted Tasks are dropped at the next
 * admission, and a lost ledger is rebuilt from the Tasks that have Jobs.
 */
public final class Slots {
  /** The name of the ledger ConfigMap in each namespace with limits. */
  public static final String LEDGER = "kubetask-slots";

  private static final Logger log = LoggerFactory.getLogger(Slots.class);

  /** Admissions that lose the compare-and-swap read again; this many in a row is a failure. */
  private static final int ATTEMPTS = 100;

  private final KubernetesClient client;

  public Slots(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The outcome of asking for a slot.
   *
   * @param place whether the Task got one, and if not where it waits
   * @param after the namespace's queue once the Task has its slot, to tell the others where they
   *     stand now; null when the Task waits or no limit applies
   */
  public record Admission(Place place, CapacityQueue after) {
    static final Admission UNLIMITED = new Admission(Place.ADMITTED, null);

    public boolean admitted() {
      return place.admitted();
    }
  }

  /**
   * Gives the Task a slot or says where it waits. A Task that already has one (in the ledger or by
   * its Job) keeps it, so a retried start finds its own admission.
   *
   * @param task the Task, read just now
   * @param agentLimit its Agent's {@code maxConcurrentTasks}, or null
   */
  public Admission take(Task task, Integer agentLimit) {
    String ns = task.getMetadata().getNamespace();
    Integer namespaceLimit = namespaceLimit(ns);
    if (namespaceLimit == null && agentLimit == null) {
      return Admission.UNLIMITED;
    }
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      ConfigMap ledger = client.configMaps().inNamespace(ns).withName(LEDGER).get();
      List<Task> tasks = client.resources(Task.class).inNamespace(ns).list().getItems();
      List<Agent> agents = client.resources(Agent.class).inNamespace(ns).list().getItems();
      Limits limits = limits(agents, namespaceLimit);
      Set<String> admitted = admitted(ledger, tasks);
      Place place = new CapacityQueue(tasks, limits, admitted, task).place(task);
      if (place == null || admitted.contains(task.getMetadata().getName())) {
        return new Admission(Place.ADMITTED, null); // Holds a slot already.
      }
      if (!place.admitted()) {
        return new Admission(place, null);
      }
      admitted.add(task.getMetadata().getName());
      if (write(ns, ledger, entries(admitted, tasks, task))) {
        return new Admission(place, new CapacityQueue(tasks, limits, admitted, null));
      }
    }
    throw new IllegalStateException(
        "The slot ledger of namespace " + ns + " kept changing: " + ATTEMPTS + " tries failed");
  }

  /**
   * Tells the Tasks still queued where they stand after an admission: their position and message.
   * Each write is conditional on the Task as read, so a Task that moved on meanwhile is left alone.
   */
  public void tellPositions(Admission admission, Instant now) {
    if (admission.after() == null) {
      return;
    }
    String ns = null;
    for (var entry : admission.after().places().entrySet()) {
      Place place = entry.getValue();
      if (place.admitted()) {
        continue; // The operator wakes it: a slot is free for it.
      }
      Task task = admission.after().waiting(entry.getKey());
      ns = task.getMetadata().getNamespace();
      if (task.getStatus() == null
          || task.getStatus().phase() != TaskPhase.QUEUED
          || (Objects.equals(task.getStatus().queuePosition(), place.position())
              && ConditionLists.find(task.getStatus().conditions(), Conditions.READY)
                  .map(c -> place.message().equals(c.getMessage()))
                  .orElse(false))) {
        continue;
      }
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("queuePosition", place.position());
      status.put(
          "conditions",
          ConditionLists.set(
              task.getStatus().conditions(),
              Conditions.READY,
              "False",
              place.reason(),
              place.message(),
              task.getMetadata().getGeneration(),
              now));
      Map<String, Object> body =
          Map.of(
              "metadata",
              Map.of("resourceVersion", task.getMetadata().getResourceVersion()),
              "status",
              status);
      try {
        client
            .resources(Task.class)
            .inNamespace(ns)
            .withName(task.getMetadata().getName())
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(body));
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT
            && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          log.info("Could not tell Task {}/{} its place: {}", ns, task.getMetadata().getName(), e);
        }
      }
    }
  }

  private Integer namespaceLimit(String ns) {
    KubeTaskConfig config =
        client
            .resources(KubeTaskConfig.class)
            .inNamespace(ns)
            .withName(KubeTaskConfig.DEFAULT_NAME)
            .get();
    return config == null || config.getSpec() == null ? null : config.getSpec().maxActiveTasks();
  }

  /** The limits of a namespace with these Agents and this namespace limit. */
  public static Limits limits(List<Agent> agents, Integer namespaceLimit) {
    Map<String, Integer> agentLimits = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (Agent agent : agents) {
      names.add(agent.getMetadata().getName());
      if (agent.getSpec() != null && agent.getSpec().maxConcurrentTasks() != null) {
        agentLimits.put(agent.getMetadata().getName(), agent.getSpec().maxConcurrentTasks());
      }
    }
    return new Limits(agentLimits::get, namespaceLimit, names::contains);
  }

  /** The names in the ledger whose Task still exists, with the same uid, and is not finished. */
  static Set<String> admitted(ConfigMap ledger, List<Task> tasks) {
    Set<String> admitted = new HashSet<>();
    Map<String, String> data = ledger == null ? null : ledger.getData();
    if (data == null) {
      return admitted;
    }
    for (Task task : tasks) {
      String name = task.getMetadata().getName();
      if (task.getMetadata().getUid().equals(data.get(name)) && CapacityQueue.active(task)) {
        admitted.add(name);
      }
    }
    return admitted;
  }

  /** The ledger's data: name to uid of each admitted Task. */
  private static Map<String, String> entries(Set<String> admitted, List<Task> tasks, Task self) {
    Map<String, String> data = new TreeMap<>();
    for (Task task : tasks) {
      if (admitted.contains(task.getMetadata().getName())) {
        data.put(task.getMetadata().getName(), task.getMetadata().getUid());
      }
    }
    data.put(self.getMetadata().getName(), self.getMetadata().getUid());
    return data;
  }

  /**
   * Writes the ledger if nobody else did since it was read.
   *
   * @return false when another admission came first
   */
  private boolean write(String ns, ConfigMap read, Map<String, String> data) {
    try {
      if (read == null) {
        client
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(LEDGER)
                    .withNamespace(ns)
                    .addToLabels(KubeTaskLabels.MANAGED_BY, KubeTaskLabels.MANAGED_BY_VALUE)
                    .endMetadata()
                    .withData(data)
                    .build())
            .create();
      } else {
        ConfigMap next = new ConfigMapBuilder(read).withData(data).build();
        client.configMaps().inNamespace(ns).resource(next).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }
}
