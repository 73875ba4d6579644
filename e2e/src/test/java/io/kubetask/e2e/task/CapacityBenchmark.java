package io.kubetask.e2e.task;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How fast a freed slot is handed on: Tasks queued against an Agent's {@code maxConcurrentTasks},
 * each agent running two seconds, and for every Job after the first ones, the time from the Job
 * whose end freed its slot finishing to the next Job appearing (both as one watch delivers them).
 * That span is KubeTask's: the worker sees the Job finish and marks its Task Completed, the
 * operator sees that and signals the head of the queue, whose workflow takes the slot and creates
 * its Job.
 *
 * <p>{@code -Dkubetask.benchmark.shape} as {@link TaskLatencyBenchmark}; {@code
 * -Dkubetask.benchmark.tasks=N} (60); {@code -Dkubetask.benchmark.slots=N} (3). Prints figures;
 * asserts nothing about speed. Run with {@code hack/bench capacity}.
 */
class CapacityBenchmark {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  @Test
  void slotToNextJob() throws Exception {
    String shape = System.getProperty("kubetask.benchmark.shape", "processes");
    int count = Integer.getInteger("kubetask.benchmark.tasks", 60);
    int slots = Integer.getInteger("kubetask.benchmark.slots", 3);
    KubernetesClient client = NS.stack().client();
    NS.awaitDefaultServiceAccount();
    try (BenchKubeTask kubeTask = BenchKubeTask.start(shape, NS.stack(), NS.name());
        Handovers handovers = new Handovers(client, NS.name(), slots)) {
      var world = new TaskWorld(client, kubeTask.temporal(), NS.name(), Duration.ofMinutes(10));
      world.agent(
          "bench", AgentSpecs.image("example.com/echo:1").runs("2s").maxConcurrentTasks(slots));
      long start = System.nanoTime();
      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        tasks.add(world.create(String.format("q-%03d", i), "bench"));
      }
      for (Task task : tasks) {
        world.awaitPhase(task, TaskPhase.COMPLETED);
      }
      long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      List<Long> delays = handovers.delays();
      delays.sort(null);
      System.out.printf(
          "KubeTask benchmark: shape %s, %d Tasks of 2 s through %d slots in %d ms (%d at most"
              + " at once)%nKubeTask benchmark: slot freed → next Job: p50 %d ms, p95 %d ms, max"
              + " %d ms over %d hand-overs%n",
          shape,
          count,
          slots,
          wall,
          handovers.most(),
          percentile(delays, 50),
          percentile(delays, 95),
          delays.isEmpty() ? 0 : delays.get(delays.size() - 1),
          delays.size());
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.max(0, sorted.size() * p / 100 - 1));
  }

  /** The Jobs of the namespace as they start and finish, and the time each freed slot took. */
  private static final class Handovers implements AutoCloseable {
    private final Set<String> started = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private final Deque<Long> freed = new ArrayDeque<>();
    private final List<Long> delays = new ArrayList<>();
    private int initialSlots;
    private int running;
    private int most;
    private final Watch watch;

    Handovers(KubernetesClient client, String ns, int slots) {
      this.initialSlots = slots;
      watch = TaskWorld.watchJobs(client, ns, (action, job) -> seen(job, System.nanoTime()));
    }

    private synchronized void seen(Job job, long now) {
      String uid = job.getMetadata().getUid();
      if (started.add(uid)) {
        running++;
        most = Math.max(most, running);
        if (initialSlots > 0) {
          initialSlots--;
        } else if (!freed.isEmpty()) {
          delays.add(TimeUnit.NANOSECONDS.toMillis(now - freed.poll()));
        }
      }
      if (TaskWorld.jobFinished(job) && finished.add(uid)) {
        running--;
        freed.add(now);
      }
    }

    synchronized List<Long> delays() {
      return new ArrayList<>(delays);
    }

    synchronized int most() {
      return most;
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
