package io.kubetask.e2e.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubetask.api.v1alpha1.CapacityConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Capacity on the real stack: an Agent's maxConcurrentTasks and a namespace's maxActiveTasks are
 * never exceeded, not even for a moment, when many Tasks want to start at once; the waiting Tasks
 * are Queued with their place, the places move, and slots go out in priority then creation order.
 */
class CapacityE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Duration ALL_DONE = Duration.ofMinutes(6);
  private static final Pattern AGENT_MESSAGE =
      Pattern.compile("\\d+(st|nd|rd|th) of \\d+ waiting for Agent claude: 3/3 running\\.");

  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    client = KubeTaskSystem.get().client();
    NS.awaitDefaultServiceAccount();
  }

  @Test
  void aHundredTasksAgainstThreeSlotsNeverRunMoreThanThreeAndStartInQueueOrder() {
    var world = new TaskWorld(client, NS.name(), ALL_DONE);
    try (var jobs = new ActiveJobs(client, NS.name());
        var places = new Places(client, NS.name())) {
      // Created before their Agent: when it appears, all hundred ask for a slot at once.
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        tasks.add(world.create(String.format("t-%03d", i), "claude", i % 10 == 7 ? 5 : i % 3));
      }
      world.agent(
          "claude", AgentSpecs.image("example.com/agent:1").runs("1s").maxConcurrentTasks(3));

      for (Task task : tasks) {
        world.awaitPhase(task, TaskPhase.COMPLETED, ALL_DONE);
      }

      assertThat(jobs.most()).as("Jobs running at once").isEqualTo(3);
      assertThat(jobs.started()).hasSize(100);
      // The queue order: higher priority first, then the oldest, then by name. Tasks admitted
      // together (at most three) may create their Jobs in any order among themselves.
      List<String> order =
          tasks.stream()
              .map(world::get)
              .sorted(
                  Comparator.comparingInt((Task t) -> -t.getSpec().priorityOrDefault())
                      .thenComparing(t -> t.getMetadata().getCreationTimestamp())
                      .thenComparing(t -> t.getMetadata().getName()))
              .map(t -> t.getMetadata().getName())
              .toList();
      List<String> started = jobs.started();
      assertThat(new HashSet<>(started.subList(0, 3)))
          .isEqualTo(new HashSet<>(order.subList(0, 3)));
      for (int i = 0; i < started.size(); i++) {
        assertThat(order.indexOf(started.get(i)))
            .as("rank of the %dth Job's Task %s", i, started.get(i))
            .isLessThan(i + 3);
      }
      assertThat(places.messages())
          .as("Ready messages of Queued Tasks")
          .anyMatch(m -> AGENT_MESSAGE.matcher(m).matches());
      assertThat(places.moved()).as("a Task whose place in the queue moved").isTrue();
    }
  }

  @Test
  void aNamespaceLimitHoldsAcrossAgents() {
    String ns = NS.another("capacity-ns");
    NS.awaitDefaultServiceAccount(ns);
    var world = new TaskWorld(client, ns, ALL_DONE);
    world.maxActiveTasks(2);
    world.agent("a", AgentSpecs.image("example.com/agent:1").runs("1s"));
    world.agent("b", AgentSpecs.image("example.com/agent:1").runs("1s"));
    try (var jobs = new ActiveJobs(client, ns);
        var places = new Places(client, ns)) {
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tasks.add(world.create("t-" + i, i % 2 == 0 ? "a" : "b"));
      }
      for (Task task : tasks) {
        world.awaitPhase(task, TaskPhase.COMPLETED, ALL_DONE);
      }

      assertThat(jobs.most()).as("Jobs running at once").isEqualTo(2);
      assertThat(places.reasons()).contains("NamespaceAtCapacity");
      assertThat(places.messages())
          .anyMatch(
              m ->
                  m.matches(
                      "\\d+(st|nd|rd|th) of \\d+ waiting in namespace .*: 2/2 Tasks active\\."));
    }
  }

  @Test
  void aStartRateQueuesTheTasksBeyondItAndARaisedLimitLetsThemStartAtOnce() {
    String ns = NS.another("capacity-rate");
    NS.awaitDefaultServiceAccount(ns);
    var world = new TaskWorld(client, ns, ALL_DONE);
    world.capacity(new CapacityConfig(null, 2));
    world.agent("a", AgentSpecs.image("example.com/agent:1").runs("1s"));
    Task first = world.create("t-0", "a");
    Task second = world.create("t-1", "a");
    Task third = world.create("t-2", "a");

    world.awaitPhase(first, TaskPhase.COMPLETED);
    world.awaitPhase(second, TaskPhase.COMPLETED);
    Task waiting = world.awaitPhase(third, TaskPhase.QUEUED);
    assertThat(TaskWorld.condition(waiting, "Ready").getReason()).isEqualTo("RateLimited");
    assertThat(TaskWorld.condition(waiting, "Ready").getMessage())
        .matches(
            "1st of 1 waiting in namespace "
                + ns
                + ": 2/2 Tasks started in the last hour; the next may start at \\S+Z\\.");
    assertThat(world.jobs(third)).isEmpty();

    world.capacity(new CapacityConfig(null, 3));
    world.awaitPhase(third, TaskPhase.COMPLETED, KubeTaskSystem.TIMEOUT);
    assertThat(client.configMaps().inNamespace(ns).withName("kubetask-slots").get().getData())
        .as("the ledger: every start of the last hour")
        .hasSize(3);
  }

  /** The Jobs of a namespace that have not finished, and the most there ever were at once. */
  private static final class ActiveJobs implements AutoCloseable {
    private final Set<String> active = new HashSet<>();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private int most;
    private final Watch watch;

    ActiveJobs(KubernetesClient client, String ns) {
      watch = TaskWorld.watchJobs(client, ns, (action, job) -> seen(action, job));
    }

    private synchronized void seen(Watcher.Action action, Job job) {
      String task = job.getMetadata().getOwnerReferences().get(0).getName();
      if (action == Watcher.Action.ADDED && !started.contains(task)) {
        started.add(task);
      }
      if (action == Watcher.Action.DELETED || TaskWorld.jobFinished(job)) {
        active.remove(task);
      } else {
        active.add(task);
      }
      most = Math.max(most, active.size());
    }

    synchronized int most() {
      return most;
    }

    /** The Tasks in the order their Jobs were created. */
    List<String> started() {
      return List.copyOf(started);
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  /** What the Queued Tasks of a namespace said about their place, as a watch saw it. */
  private static final class Places implements AutoCloseable {
    private final Map<String, List<Integer>> positions = new ConcurrentHashMap<>();
    private final Set<String> messages = ConcurrentHashMap.newKeySet();
    private final Set<String> reasons = ConcurrentHashMap.newKeySet();
    private final Watch watch;

    Places(KubernetesClient client, String ns) {
      watch =
          client
              .resources(Task.class)
              .inNamespace(ns)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Task task) {
                      if (TaskWorld.phase(task) != TaskPhase.QUEUED) {
                        return;
                      }
                      var ready = TaskWorld.condition(task, "Ready");
                      if (ready != null) {
                        messages.add(ready.getMessage());
                        reasons.add(ready.getReason());
                      }
                      Integer position = task.getStatus().queuePosition();
                      if (position != null) {
                        positions
                            .computeIfAbsent(
                                task.getMetadata().getName(), n -> new CopyOnWriteArrayList<>())
                            .add(position);
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
    }

    Set<String> messages() {
      return messages;
    }

    Set<String> reasons() {
      return reasons;
    }

    /** Whether some Task was seen at a place and later at a place nearer the front. */
    boolean moved() {
      return positions.values().stream()
          .anyMatch(seen -> seen.size() > 1 && seen.get(seen.size() - 1) < seen.get(0));
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
