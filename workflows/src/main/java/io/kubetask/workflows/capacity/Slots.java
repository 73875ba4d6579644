package io.kubetask.workflows.capacity;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.capacity.CapacityQueue.Limits;
import io.kubetask.workflows.capacity.CapacityQueue.Place;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.StatusPatch;
import java.net.HttpURLConnection;
import java.time.Clock;
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
 * the one that loses reads again. Its data maps each admitted Task's uid to its name and the second
 * it was admitted, which is also what a start rate counts. Entries of finished or deleted Tasks are
 * dropped at the next admission (under a start rate, once an hour old), and a lost ledger is
 * rebuilt from the Tasks that have Jobs.
 */
public final class Slots {
  /** The name of the ledger ConfigMap in each namespace with limits. */
  public static final String LEDGER = "kubetask-slots";

  private static final Logger log = LoggerFactory.getLogger(Slots.class);

  /** Admissions that lose the compare-and-swap read again; this many in a row is a failure. */
  private static final int ATTEMPTS = 100;

  private final KubernetesClient client;
  private final Clock clock;

  public Slots(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
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
   * @param config the namespace's KubeTaskConfig, read with the Task; null when it has none
   */
  public Admission take(Task task, Integer agentLimit, KubeTaskConfig config) {
    String ns = task.getMetadata().getNamespace();
    var spec = config == null ? null : config.getSpec();
    Integer namespaceLimit = spec == null ? null : spec.maxActiveTasks();
    Integer perHour = spec == null ? null : spec.maxTasksPerHour();
    if (namespaceLimit == null && agentLimit == null && perHour == null) {
      return Admission.UNLIMITED;
    }
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      ConfigMap ledger = client.configMaps().inNamespace(ns).withName(LEDGER).get();
      List<Task> tasks = client.resources(Task.class).inNamespace(ns).list().getItems();
      List<Agent> agents = client.resources(Agent.class).inNamespace(ns).list().getItems();
      Instant now = clock.instant();
      Map<String, Entry> entries = entries(ledger);
      CapacityQueue.Rate rate =
          perHour == null
              ? null
              : new CapacityQueue.Rate(
                  perHour, entries.values().stream().map(Entry::admittedAt).toList(), now);
      Limits limits = limits(agents, namespaceLimit, rate);
      Set<String> admitted = admitted(entries, tasks);
      Place place = new CapacityQueue(tasks, limits, admitted, task).place(task);
      if (place == null || admitted.contains(task.getMetadata().getName())) {
        return new Admission(Place.ADMITTED, null); // Holds a slot already.
      }
      if (!place.admitted()) {
        return new Admission(place, null);
      }
      admitted.add(task.getMetadata().getName());
      Map<String, Entry> next = kept(entries, tasks, rate);
      next.put(task.getMetadata().getUid(), new Entry(task.getMetadata().getName(), now));
      if (write(ns, ledger, next)) {
        CapacityQueue.Rate after =
            rate == null
                ? null
                : new CapacityQueue.Rate(
                    perHour, next.values().stream().map(Entry::admittedAt).toList(), now);
        return new Admission(
            place, new CapacityQueue(tasks, limits(agents, namespaceLimit, after), admitted, null));
      }
    }
    throw new IllegalStateException(
        "The slot ledger of namespace " + ns + " kept changing: " + ATTEMPTS + " tries failed");
  }

  /** A Task given a slot: its name, and when (for the start rate). */
  record Entry(String name, Instant admittedAt) {
    static Entry parse(String value) {
      String[] parts = value.split(" ", 2);
      Instant at =
          parts.length > 1 ? Instant.ofEpochSecond(Long.parseLong(parts[1])) : Instant.EPOCH;
      return new Entry(parts[0], at);
    }

    String format() {
      return name + " " + admittedAt.getEpochSecond();
    }
  }

  /** The ledger's entries by Task uid. */
  static Map<String, Entry> entries(ConfigMap ledger) {
    Map<String, Entry> entries = new TreeMap<>();
    if (ledger != null && ledger.getData() != null) {
      ledger.getData().forEach((uid, value) -> entries.put(uid, Entry.parse(value)));
    }
    return entries;
  }

  /** The names of the Tasks in the ledger that still exist, with the same uid, and are active. */
  static Set<String> admitted(Map<String, Entry> entries, List<Task> tasks) {
    Set<String> admitted = new HashSet<>();
    for (Task task : tasks) {
      if (entries.containsKey(task.getMetadata().getUid()) && CapacityQueue.active(task)) {
        admitted.add(task.getMetadata().getName());
      }
    }
    return admitted;
  }

  /**
   * The entries worth keeping: those of Tasks that still hold their slot, and, under a start rate,
   * those admitted within the last hour, whatever became of their Task.
   */
  private static Map<String, Entry> kept(
      Map<String, Entry> entries, List<Task> tasks, CapacityQueue.Rate rate) {
    Map<String, Entry> kept = new TreeMap<>();
    for (Task task : tasks) {
      String uid = task.getMetadata().getUid();
      if (entries.containsKey(uid) && CapacityQueue.active(task)) {
        kept.put(uid, entries.get(uid));
      }
    }
    if (rate != null) {
      Instant since = rate.now().minus(CapacityQueue.Rate.WINDOW);
      entries.forEach(
          (uid, entry) -> {
            if (entry.admittedAt().isAfter(since)) {
              kept.put(uid, entry);
            }
          });
    }
    return kept;
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
      try {
        StatusPatch.mergeIfUnchanged(client, task, status); // a newer Task is told again
      } catch (KubernetesClientException e) {
        log.info("Could not tell Task {}/{} its place: {}", ns, task.getMetadata().getName(), e);
      }
    }
  }

  /** The limits of a namespace with these Agents and this namespace limit. */
  public static Limits limits(List<Agent> agents, Integer namespaceLimit) {
    return limits(agents, namespaceLimit, null);
  }

  private static Limits limits(
      List<Agent> agents, Integer namespaceLimit, CapacityQueue.Rate rate) {
    Map<String, Integer> agentLimits = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (Agent agent : agents) {
      names.add(agent.getMetadata().getName());
      if (agent.getSpec() != null && agent.getSpec().maxConcurrentTasks() != null) {
        agentLimits.put(agent.getMetadata().getName(), agent.getSpec().maxConcurrentTasks());
      }
    }
    return new Limits(agentLimits::get, namespaceLimit, names::contains, rate);
  }

  /**
   * Writes the ledger if nobody else did since it was read.
   *
   * @return false when another admission came first
   */
  private boolean write(String ns, ConfigMap read, Map<String, Entry> entries) {
    Map<String, String> data = new TreeMap<>();
    entries.forEach((uid, entry) -> data.put(uid, entry.format()));
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
