package io.kubetask.e2e.task;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How fast a Task gets its Job, against the floor of one client creating the ConfigMap and Job
 * itself: create → Job latency for 1 Task and for 200 created at once, the time until 1,000 Tasks
 * all have Jobs, and the Temporal history events per Task. Latencies are measured from just before
 * the create request to the moment a watch delivers the Job, with millisecond resolution. Prints
 * figures; asserts nothing about speed. Run with {@code hack/bench}.
 */
class TaskLatencyBenchmark {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final int CLIENT_THREADS = 16;

  @Test
  void taskToJobLatency() throws Exception {
    KubeTaskSystem system = KubeTaskSystem.get();
    KubernetesClient client = system.client();
    TaskWorld world = new TaskWorld(client, NS.name(), Duration.ofMinutes(2));
    NS.awaitDefaultServiceAccount();
    world.agent("bench", AgentSpecs.image("example.com/echo:1"));
    int large = Integer.getInteger("kubetask.benchmark.tasks", 1000);

    try (JobWatch jobs = new JobWatch(client, NS.name())) {
      List<String> lines = new ArrayList<>();
      for (int n : new int[] {1, 200}) {
        Result floor =
            run(jobs, "floor-" + n, n, i -> createDirectly(client, "floor-" + n + "-" + i));
        Result kubetask = run(jobs, "task-" + n, n, i -> createTask(world, "task-" + n + "-" + i));
        lines.add(
            String.format(
                "%4d at once  create→Job p50 %6d ms (floor %5d ms, ×%.1f)  p95 %6d ms (floor %5d ms, ×%.1f)",
                n,
                kubetask.p(50),
                floor.p(50),
                ratio(kubetask.p(50), floor.p(50)),
                kubetask.p(95),
                floor.p(95),
                ratio(kubetask.p(95), floor.p(95))));
      }
      Result floor = run(jobs, "floor-big", large, i -> createDirectly(client, "floor-big-" + i));
      Result kubetask = run(jobs, "task-big", large, i -> createTask(world, "task-big-" + i));
      lines.add(
          String.format(
              "%4d at once  all have Jobs after %6d ms (floor %6d ms, ×%.1f)",
              large,
              kubetask.wallMillis,
              floor.wallMillis,
              ratio(kubetask.wallMillis, floor.wallMillis)));
      lines.add(
          "history events per Task (a completed one-shot Task, TTL timer pending): "
              + historyEvents(system, world));
      System.out.println(
          "\n=== KubeTask benchmark ("
              + System.getProperty("os.name")
              + ", "
              + Runtime.getRuntime().availableProcessors()
              + " cores) ===");
      lines.forEach(System.out::println);
    }
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** Creates n objects from a pool of client threads and waits until all their Jobs exist. */
  private static Result run(JobWatch jobs, String prefix, int n, IntConsumer create)
      throws InterruptedException {
    Map<String, Long> sent = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int index = i;
      pool.execute(
          () -> {
            sent.put(prefix + "-" + index, System.nanoTime());
            create.accept(index);
          });
    }
    pool.shutdown();
    List<Long> latencies = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    for (int i = 0; i < n; i++) {
      String name = prefix + "-" + i;
      Long seen = jobs.await(name, deadline);
      if (seen == null) {
        throw new AssertionError("no Job for " + name + " within 15 minutes");
      }
      latencies.add(TimeUnit.NANOSECONDS.toMillis(seen - sent.get(name)));
    }
    long wall = TimeUnit.NANOSECONDS.toMillis(jobs.latest() - start);
    Collections.sort(latencies);
    return new Result(latencies, wall);
  }

  private static void createTask(TaskWorld world, String name) {
    world.create(name, "bench", TaskWorld.inline("/workspace/task.md", "Benchmark " + name));
  }

  /** The floor: what a client does that creates the agent's ConfigMap and Job itself. */
  private static void createDirectly(KubernetesClient client, String name) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS.name())
                .endMetadata()
                .withData(Map.of("file-0", "Benchmark " + name))
                .build())
        .create();
    client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS.name())
                .withLabels(Map.of("bench", name))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("agent")
                .withImage("example.com/echo:1")
                .endContainer()
                .addNewVolume()
                .withName("ctx")
                .withNewConfigMap()
                .withName(name)
                .endConfigMap()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private static String historyEvents(KubeTaskSystem system, TaskWorld world) {
    Task task = world.awaitPhase(world.get("task-1-0"), TaskPhase.COMPLETED);
    return Integer.toString(
        system.temporal().fetchHistory(task.getStatus().workflowId()).getEvents().size());
  }

  private record Result(List<Long> sortedMillis, long wallMillis) {
    long p(int percentile) {
      int index = (int) Math.ceil(percentile / 100.0 * sortedMillis.size()) - 1;
      return sortedMillis.get(Math.max(0, index));
    }
  }

  /** Records when a watch first delivers each Job, keyed by the name of what created it. */
  private static final class JobWatch implements AutoCloseable {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private volatile long latest;
    private final Watch watch;

    JobWatch(KubernetesClient client, String namespace) {
      watch =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Job job) {
                      long now = System.nanoTime();
                      String owner =
                          job.getMetadata().getOwnerReferences().isEmpty()
                              ? job.getMetadata().getName()
                              : job.getMetadata().getOwnerReferences().get(0).getName();
                      if (seen.putIfAbsent(owner, now) == null) {
                        latest = Math.max(latest, now);
                        synchronized (JobWatch.this) {
                          JobWatch.this.notifyAll();
                        }
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
    }

    synchronized Long await(String name, long deadlineNanos) throws InterruptedException {
      while (!seen.containsKey(name)) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, Duration.ofSeconds(1).toNanos()));
      }
      return seen.get(name);
    }

    long latest() {
      return latest;
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
