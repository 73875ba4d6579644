package io.kubetask.workflows.capacity;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.k8s.Metadata;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The slots of one namespace and the Tasks waiting for them, decided from the namespace's Tasks
 * alone: which Tasks hold a slot, and, walking the waiting Tasks in queue order (priority, then
 * creation time), which of them the free slots go to and where the others stand.
 *
 * <p>A Task holds a slot from its admission until it finishes: it has a Job ({@code
 * status.jobName}), or {@code admitted} says it was given one and may not have its Job yet. A Task
 * waits when it is neither finished, nor holding a slot, nor blocked on a missing Agent or
 * ConfigMap, nor stopped. Every waiting Task ahead in the queue takes a slot before those behind
 * it, so a Task is admitted only where the whole queue, walked in order, lets it in. The worker
 * decides with this under a compare-and-swap of the ledger ({@link Slots}), so no two Tasks take
 * the same slot; the operator uses it to know whom a freed slot wakes up.
 */
public final class CapacityQueue {

  /**
   * The limits in force: an Agent's {@code maxConcurrentTasks} and the namespace's; and which
   * Agents exist, since a Task whose status still says its Agent is missing waits once it exists.
   */
  public record Limits(
      Function<String, Integer> agentLimit,
      Integer namespaceLimit,
      Predicate<String> agentExists,
      Rate rate) {
    /** Limits in a namespace where every Agent the Tasks name exists. */
    public Limits(Function<String, Integer> agentLimit, Integer namespaceLimit) {
      this(agentLimit, namespaceLimit, agent -> true, null);
    }

    public Limits(
        Function<String, Integer> agentLimit,
        Integer namespaceLimit,
        Predicate<String> agentExists) {
      this(agentLimit, namespaceLimit, agentExists, null);
    }
  }

  /**
   * Where a waiting Task stands.
   *
   * @param admitted whether a free slot goes to it
   * @param reason {@link Conditions#AGENT_AT_CAPACITY}, {@link Conditions#NAMESPACE_AT_CAPACITY} or
   *     {@link Conditions#RATE_LIMITED} when it waits
   * @param position its place in the queue it waits in (1 is next)
   * @param message what it waits for, for its Ready condition
   * @param retryAt when a RateLimited Task may start, as far as the starts so far tell
   */
  public record Place(
      boolean admitted, String reason, int position, String message, Instant retryAt) {
    static final Place ADMITTED = new Place(true, null, 0, null, null);

    public Place(boolean admitted, String reason, int position, String message) {
      this(admitted, reason, position, message, null);
    }
  }

  /**
   * A namespace's start-rate limit: at most {@code perHour} admissions within any hour.
   *
   * @param starts when the Tasks admitted within the last hour were admitted
   * @param now the time of the decision
   */
  public record Rate(int perHour, List<Instant> starts, Instant now) {
    public static final Duration WINDOW = Duration.ofHours(1);

    public Rate {
      starts = starts.stream().filter(t -> t.isAfter(now.minus(WINDOW))).sorted().toList();
    }

    /**
     * When the start after {@code more} further ones may happen: when enough of the last hour's
     * starts are an hour old. Null when it may happen now.
     */
    Instant opensFor(int more) {
      int over = starts.size() + more - perHour;
      if (over < 0) {
        return null;
      }
      // Starts made in this decision are made now.
      return (over < starts.size() ? starts.get(over) : now).plus(WINDOW);
    }
  }

  /**
   * The queue order: a Task that replaces a running one of its CronTask first (it takes that Task's
   * slot), then the higher priority, then the oldest, then by name.
   */
  public static final Comparator<Task> ORDER =
      Comparator.comparing((Task t) -> Metadata.annotation(t, KubeTaskAnnotations.REPLACES) == null)
          .thenComparingInt(t -> -t.getSpec().priorityOrDefault())
          .thenComparing(t -> Objects.toString(t.getMetadata().getCreationTimestamp(), ""))
          .thenComparing(t -> t.getMetadata().getName());

  private final Map<String, Place> places = new LinkedHashMap<>();
  private final Map<String, Task> waitingByUid = new HashMap<>();
  private final List<Task> holders = new ArrayList<>();

  /**
   * @param tasks the Tasks of the namespace
   * @param limits the limits in force
   * @param admitted the names of the Tasks given a slot that may have no Job yet (the ledger)
   * @param self a Task that asks for a slot now: it waits even where its status is stale
   */
  public CapacityQueue(List<Task> tasks, Limits limits, Set<String> admitted, Task self) {
    List<Task> waiting = new ArrayList<>();
    for (Task task : tasks) {
      if (!active(task)) {
        continue;
      }
      if (holds(task, admitted)) {
        holders.add(task);
      } else if (isSelf(task, self) || waits(task, limits)) {
        waiting.add(task);
      }
    }
    if (self != null && waiting.stream().noneMatch(t -> isSelf(t, self))) {
      waiting.add(self);
    }
    waiting.sort(ORDER);
    waiting.forEach(t -> waitingByUid.put(t.getMetadata().getUid(), t));
    walk(waiting, limits);
  }

  /** Where the Task stands, or null when it is not waiting (holds a slot, finished, blocked). */
  public Place place(Task task) {
    return places.get(task.getMetadata().getUid());
  }

  /** The Tasks holding a slot. */
  public List<Task> holders() {
    return holders;
  }

  /** Where each waiting Task stands, by uid, in queue order. */
  public Map<String, Place> places() {
    return places;
  }

  /** The waiting Task of this uid. */
  public Task waiting(String uid) {
    return waitingByUid.get(uid);
  }

  private void walk(List<Task> waiting, Limits limits) {
    Map<String, Integer> perAgent = new HashMap<>();
    holders.forEach(t -> perAgent.merge(agent(t), 1, Integer::sum));
    FairShare share = new FairShare(holders, waiting);
    int inNamespace = holders.size();
    int admittedNow = 0;
    // First who gets a free slot, then where each of the others stands among those still waiting.
    List<Waiting> left = new ArrayList<>();
    for (Task task : waiting) {
      String agent = agent(task);
      Integer agentLimit = limits.agentLimit().apply(agent);
      int agentCount = perAgent.getOrDefault(agent, 0);
      if (agentLimit != null && agentCount >= agentLimit) {
        left.add(new Waiting(task, Conditions.AGENT_AT_CAPACITY, null));
      } else if (agentLimit != null && share.exceeded(task, agentLimit)) {
        left.add(new Waiting(task, Conditions.AGENT_AT_CAPACITY, share.of(task, agentLimit)));
      } else if (limits.namespaceLimit() != null && inNamespace >= limits.namespaceLimit()) {
        left.add(new Waiting(task, Conditions.NAMESPACE_AT_CAPACITY, null));
      } else if (limits.rate() != null && limits.rate().opensFor(admittedNow) != null) {
        left.add(new Waiting(task, Conditions.RATE_LIMITED, null));
      } else {
        places.put(task.getMetadata().getUid(), Place.ADMITTED);
        perAgent.put(agent, agentCount + 1);
        share.admitted(task);
        inNamespace++;
        admittedNow++;
      }
    }
    Map<String, Integer> agentPositions = new HashMap<>();
    Map<String, Integer> agentQueues = new HashMap<>();
    left.forEach(w -> agentQueues.merge(agent(w.task()), 1, Integer::sum));
    int namespacePosition = 0;
    int rateLimited = 0;
    for (Waiting w : left) {
      String agent = agent(w.task());
      int agentPosition = agentPositions.merge(agent, 1, Integer::sum);
      namespacePosition++;
      Place place;
      if (Conditions.AGENT_AT_CAPACITY.equals(w.reason())) {
        String why =
            w.fairShare() != null
                ? w.fairShare()
                : String.format(
                    "%d/%d running.",
                    perAgent.getOrDefault(agent, 0), limits.agentLimit().apply(agent));
        place =
            new Place(
                false,
                w.reason(),
                agentPosition,
                String.format(
                    "%s of %d waiting for Agent %s: %s",
                    ordinal(agentPosition), agentQueues.get(agent), agent, why));
      } else if (Conditions.RATE_LIMITED.equals(w.reason())) {
        Rate rate = limits.rate();
        Instant opens = rate.opensFor(admittedNow + rateLimited++);
        place =
            new Place(
                false,
                w.reason(),
                namespacePosition,
                String.format(
                    "%s of %d waiting in namespace %s: %d/%d Tasks started in the last hour; the"
                        + " next may start at %s.",
                    ordinal(namespacePosition),
                    left.size(),
                    w.task().getMetadata().getNamespace(),
                    rate.starts().size() + admittedNow,
                    rate.perHour(),
                    rate.opensFor(admittedNow).truncatedTo(ChronoUnit.SECONDS)),
                opens);
      } else {
        place =
            new Place(
                false,
                w.reason(),
                namespacePosition,
                String.format(
                    "%s of %d waiting in namespace %s: %d/%d Tasks active.",
                    ordinal(namespacePosition),
                    left.size(),
                    w.task().getMetadata().getNamespace(),
                    inNamespace,
                    limits.namespaceLimit()));
      }
      places.put(w.task().getMetadata().getUid(), place);
    }
  }

  /** A Task that gets no slot now, why, and the fair share it has reached, if that is why. */
  private record Waiting(Task task, String reason, String fairShare) {}

  /**
   * Fair share between the CronTasks of one Agent: while Tasks of another CronTask wait for the
   * same Agent, a CronTask holds at most its share of the Agent's slots, the limit divided by the
   * number of CronTasks running or waiting there, rounded up. Tasks that no CronTask created have
   * no share to keep to.
   */
  private static final class FairShare {
    private final Map<String, Integer> held = new HashMap<>();
    private final Map<String, Integer> waiting = new HashMap<>();
    private final Map<String, Set<String>> cronTasks = new HashMap<>();

    FairShare(List<Task> holders, List<Task> waiters) {
      for (Task task : holders) {
        String cronTask = cronTask(task);
        if (cronTask != null) {
          held.merge(key(agent(task), cronTask), 1, Integer::sum);
          cronTasks.computeIfAbsent(agent(task), a -> new HashSet<>()).add(cronTask);
        }
      }
      for (Task task : waiters) {
        String cronTask = cronTask(task);
        if (cronTask != null) {
          waiting.merge(key(agent(task), cronTask), 1, Integer::sum);
          cronTasks.computeIfAbsent(agent(task), a -> new HashSet<>()).add(cronTask);
        }
      }
    }

    /** Whether the Task's CronTask already holds its share while another CronTask's Tasks wait. */
    boolean exceeded(Task task, int limit) {
      String cronTask = cronTask(task);
      if (cronTask == null) {
        return false;
      }
      String agent = agent(task);
      Set<String> all = cronTasks.get(agent);
      boolean othersWait =
          all.stream()
              .anyMatch(c -> !c.equals(cronTask) && waiting.getOrDefault(key(agent, c), 0) > 0);
      return othersWait && held.getOrDefault(key(agent, cronTask), 0) >= share(agent, limit);
    }

    String of(Task task, int limit) {
      String agent = agent(task);
      return String.format(
          "CronTask %s has its fair share, %d of %d slots, while other CronTasks wait.",
          cronTask(task), held.getOrDefault(key(agent, cronTask(task)), 0), limit);
    }

    void admitted(Task task) {
      String cronTask = cronTask(task);
      if (cronTask != null) {
        String key = key(agent(task), cronTask);
        held.merge(key, 1, Integer::sum);
        waiting.merge(key, -1, Integer::sum);
      }
    }

    private int share(String agent, int limit) {
      int n = cronTasks.get(agent).size();
      return (limit + n - 1) / n;
    }

    private static String key(String agent, String cronTask) {
      return agent + "\n" + cronTask;
    }

    private static String cronTask(Task task) {
      Map<String, String> labels = task.getMetadata().getLabels();
      return labels == null ? null : labels.get(KubeTaskLabels.CRONTASK);
    }
  }

  /** The Agent a Task runs with. */
  public static String agent(Task task) {
    return task.getSpec().agentName();
  }

  /**
   * Neither finished nor deleted: a finished Task holds no slot, whatever the ledger says, and a
   * deleted one gives its slot up at once (its workflow ends and its Job goes with it).
   */
  static boolean active(Task task) {
    TaskPhase phase = phase(task);
    return (phase == null || !phase.isFinished())
        && task.getMetadata().getDeletionTimestamp() == null;
  }

  private static boolean holds(Task task, Set<String> admitted) {
    TaskStatus status = task.getStatus();
    return (status != null && status.jobName() != null)
        || admitted.contains(task.getMetadata().getName());
  }

  /**
   * Whether the Task waits for a slot: not blocked on a missing Agent or ConfigMap or waiting for
   * its approval (it could not use one), not stopped (it never will).
   */
  private static boolean waits(Task task, Limits limits) {
    if (Metadata.annotation(task, KubeTaskAnnotations.STOP) != null) {
      return false;
    }
    if (phase(task) != TaskPhase.PENDING) {
      return true;
    }
    String reason =
        ConditionLists.find(task.getStatus().conditions(), Conditions.READY)
            .filter(c -> "False".equals(c.getStatus()))
            .map(Condition::getReason)
            .orElse("");
    if (Conditions.AGENT_NOT_FOUND.equals(reason)) {
      // Its Agent was created since: it asks for a slot as soon as its workflow looks.
      return limits.agentExists().test(agent(task));
    }
    return !Conditions.CONTEXT_NOT_FOUND.equals(reason)
        && !Conditions.AWAITING_APPROVAL.equals(reason);
  }

  private static boolean isSelf(Task task, Task self) {
    return self != null && task.getMetadata().getUid().equals(self.getMetadata().getUid());
  }

  private static TaskPhase phase(Task task) {
    return task.getStatus() == null ? null : task.getStatus().phase();
  }

  /** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st. */
  static String ordinal(int n) {
    int lastTwo = n % 100;
    String suffix =
        lastTwo >= 11 && lastTwo <= 13
            ? "th"
            : switch (n % 10) {
              case 1 -> "st";
              case 2 -> "nd";
              case 3 -> "rd";
              default -> "th";
            };
    return n + suffix;
  }
}
