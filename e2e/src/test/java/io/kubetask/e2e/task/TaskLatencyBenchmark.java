package io.kubetask.e2e.task;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a Task costs, against the floor of one client creating the ConfigMap and Job itself: create
 * → Job latency of single Tasks (one after the other: after a warm-up of three, and again once the
 * JVMs have compiled what a few hundred Tasks ran) and of 200 created at once, the time until 1,000
 * created at once all have Jobs (half of them hang, so that half the Tasks run while the other half
 * wait for their TTL), the CPU seconds each process of KubeTask and of the stack spends on each
 * burst, KubeTask's Kubernetes API requests per Task of the 200 (created to Completed, from its own
 * {@code kubetask_kubernetes_requests_total}), KubeTask's resident memory with those Tasks live,
 * the Temporal history events of a completed Task, and how long deleting the namespace of the 1,000
 * takes. Latencies are measured from just before the create request to the moment a watch delivers
 * the Job, with millisecond resolution.
 *
 * <p>{@code -Dkubetask.benchmark.shape=processes} (default: operator and worker as two processes of
 * the jar with the image's JVM settings and deploy/'s 512Mi), {@code all-in-one} or {@code
 * in-process}; {@code -Dkubetask.benchmark.tasks=N} (1,000); {@code -Dkubetask.benchmark.before=N}
 * runs N Tasks first and measures again after them. Prints figures; asserts nothing about speed.
 * Run with {@code hack/bench}.
 */
class TaskLatencyBenchmark {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final int CLIENT_THREADS = 16;
  private static final int SINGLES = 20;

  /** The pod label that has kwok keep a pod running (hack/kwok/pod-stages.yaml). */
  private static final Map.Entry<String, String> HANG = Map.entry("kubetask.test/outcome", "hang");

  private KubernetesClient client;
  private BenchKubeTask kubeTask;
  private String floorNs;

  /** The figures so far, printed again together at the end. */
  private final List<String> lines = new ArrayList<>();

  /** A figure: printed at once (a long run shows its progress) and kept for the summary. */
  private void print(String line) {
    System.out.println("KubeTask benchmark: " + line);
    lines.add(line);
  }

  @Test
  void taskToJobLatency() throws Exception {
    String shape = System.getProperty("kubetask.benchmark.shape", "processes");
    int large = Integer.getInteger("kubetask.benchmark.tasks", 1000);
    int before = Integer.getInteger("kubetask.benchmark.before", 0);
    Stack stack = NS.stack();
    client = stack.client();
    floorNs = NS.another("floor");
    String big = NS.another("big");
    String earlier = NS.another("earlier");
    String again = NS.another("again");
    for (String ns : List.of(NS.name(), floorNs, big, earlier, again)) {
      NS.awaitDefaultServiceAccount(ns);
    }
    print(
        "shape "
            + shape
            + ", "
            + System.getProperty("os.name")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
    try (BenchKubeTask started = BenchKubeTask.start(shape, stack, NS.name(), big, earlier, again);
        JobWatch floorJobs = new JobWatch(client, floorNs)) {
      kubeTask = started;
      TaskWorld small = world(NS.name());
      pass("", small, world(big), floorJobs, large);
      print("history events of a completed Task (TTL timer pending): " + historyEvents(small));
      print("memory with " + large + " Tasks live: " + kubeTask.memory());
      print("   the same after a full GC: " + kubeTask.afterFullGc());
      if (before > 0) {
        print(runThrough(world(earlier), before));
        pass("after " + before + " more Tasks: ", world(again), null, floorJobs, large);
      }
      print(
          String.format(
              "deleting the namespace of the %d Tasks: gone after %d ms", large, deleted(big)));
      int floorJobCount = client.batch().v1().jobs().inNamespace(floorNs).list().getItems().size();
      print(
          String.format(
              "   (floor: the namespace of the %d ConfigMaps and Jobs created directly, %d of"
                  + " their agents running as the Tasks' are: gone after %d ms)",
              floorJobCount, large / 2, deleted(floorNs)));
      if (kubeTask.outOfMemory()) {
        print("a KubeTask process ran out of memory or died: see e2e/target/kubetask-processes");
      }
    } finally {
      System.out.println("\n=== KubeTask benchmark ===");
      lines.forEach(System.out::println);
    }
  }

  /** Deletes a namespace and waits until it is gone: how long that took, in ms. */
  private long deleted(String namespace) {
    long deleting = System.nanoTime();
    client.namespaces().withName(namespace).delete();
    await("namespace " + namespace + " gone")
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.namespaces().withName(namespace).get() == null);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleting);
  }

  private TaskWorld world(String namespace) {
    TaskWorld world = new TaskWorld(client, kubeTask.temporal(), namespace, Duration.ofMinutes(2));
    world.agent("bench", AgentSpecs.image("example.com/echo:1"));
    world.agent("bench-runs", AgentSpecs.image("example.com/echo:1").hangs());
    return world;
  }

  /**
   * Single Tasks one after the other, 200 at once and {@code large} at once (into {@code big}, when
   * given), each against the floor.
   */
  private void pass(String label, TaskWorld world, TaskWorld big, JobWatch floorJobs, int large)
      throws InterruptedException {
    String p = label.isEmpty() ? "" : "again-";
    try (JobWatch jobs = new JobWatch(client, world.ns())) {
      for (int i = 0; i < 3; i++) { // Warm-up, not measured.
        createTask(world, p + "warm-" + i, "bench");
        jobs.await(p + "warm-" + i, System.nanoTime() + TimeUnit.MINUTES.toNanos(2));
      }
      Result floor1 = sequential(floorJobs, p + "floor-1", i -> createDirectly(p + "floor-1-" + i));
      Result task1 =
          sequential(jobs, p + "task-1", i -> createTask(world, p + "task-1-" + i, "bench"));
      print(label + compare("   1 at a time", task1, floor1));
      Result floor200 =
          run(floorJobs, p + "floor-200", 200, i -> createDirectly(p + "floor-200-" + i));
      CpuMark cpu = cpuMark();
      Map<String, Double> requests = kubeTask.apiRequests();
      Result task200 =
          run(jobs, p + "task-200", 200, i -> createTask(world, p + "task-200-" + i, "bench"));
      print(label + compare(" 200 at once", task200, floor200));
      print(label + "   CPU s of the 200-burst: " + since(cpu));
      // The same again once the burst has had the JVMs compile KubeTask's hot paths, as in an
      // operator and worker that have run for a while, and the stack has finished the burst's
      // Jobs (its controller manager works through them at its 20 requests a second for a minute).
      awaitJobsFinished(world.ns(), floorNs);
      awaitCompleted(world.ns(), p + "task-200-", 200);
      if (!requests.isEmpty()) {
        print(label + "   API requests per Task, created to Completed: " + perTask(requests, 200));
      }
      Result floorWarm =
          sequential(floorJobs, p + "floor-1w", i -> createDirectly(p + "floor-1w-" + i));
      Result taskWarm =
          sequential(jobs, p + "task-1w", i -> createTask(world, p + "task-1w-" + i, "bench"));
      print(label + compare("   1 at a time, compiled", taskWarm, floorWarm));
      print(label + breakdown(world, taskWarm));
    }
    TaskWorld target = big == null ? world : big;
    try (JobWatch jobs = new JobWatch(client, target.ns())) {
      // The first pass's floor has its odd-numbered agents hang as the Tasks' do, so that deleting
      // its namespace ends as many running agents as deleting the Tasks' namespace does.
      boolean hang = label.isEmpty();
      Result floor =
          run(
              floorJobs,
              p + "floor-big",
              large,
              i -> createDirectly(p + "floor-big-" + i, hang && i % 2 == 1));
      CpuMark cpu = cpuMark();
      // Half of them hang: with the other half done, half the Tasks run and half wait for a TTL.
      Result tasks =
          run(
              jobs,
              p + "task-big",
              large,
              i -> createTask(target, p + "task-big-" + i, i % 2 == 0 ? "bench" : "bench-runs"));
      print(
          String.format(
              "%s%4d at once  all have Jobs after %6d ms (floor %6d ms, ×%.1f)  p50 %6d ms",
              label,
              large,
              tasks.wallMillis,
              floor.wallMillis,
              ratio(tasks.wallMillis, floor.wallMillis),
              tasks.p(50)));
      print(label + "   CPU s of the " + large + "-burst: " + since(cpu));
      awaitSettled(target.ns(), p + "task-big-", large);
      if (hang) {
        awaitPods(floorNs, p + "floor-big-", large);
      }
    }
  }

  /**
   * Waits until the burst has settled as the memory and deletion figures describe it: half the
   * Tasks completed (waiting for their TTL), the other half's agents running. The controller
   * manager creates the pods at its 20 requests a second, so this comes a minute or so after the
   * last Job.
   */
  private void awaitSettled(String namespace, String prefix, int large) {
    await("half the " + prefix + " Tasks completed")
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofSeconds(1))
        // The even-numbered ones, which end at once.
        .until(() -> completed(namespace, prefix) == (large + 1) / 2);
    awaitPods(namespace, prefix, large);
  }

  private void awaitCompleted(String namespace, String prefix, int n) {
    await(n + " " + prefix + " Tasks completed")
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> completed(namespace, prefix) == n);
  }

  /** How many Tasks whose names start with {@code prefix} are Completed. */
  private long completed(String namespace, String prefix) {
    return client.resources(Task.class).inNamespace(namespace).list().getItems().stream()
        .filter(t -> t.getMetadata().getName().startsWith(prefix))
        .filter(t -> t.getStatus() != null)
        .filter(t -> TaskPhase.COMPLETED.equals(t.getStatus().phase()))
        .count();
  }

  /** Waits until the odd-numbered half of the burst's pods run and the other half succeeded. */
  private void awaitPods(String namespace, String prefix, int large) {
    await("half the " + prefix + " pods succeeded, the other half running")
        .atMost(Duration.ofMinutes(15))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              Map<String, Long> phases =
                  client.pods().inNamespace(namespace).list().getItems().stream()
                      .filter(pod -> pod.getMetadata().getName().startsWith(prefix))
                      .collect(
                          Collectors.groupingBy(
                              pod -> String.valueOf(pod.getStatus().getPhase()),
                              Collectors.counting()));
              return phases.getOrDefault("Running", 0L) == large / 2
                  && phases.getOrDefault("Succeeded", 0L) == (large + 1) / 2;
            });
  }

  /** Runs {@code n} Tasks through, 500 at a time, and deletes them: what came before. */
  private String runThrough(TaskWorld world, int n) throws InterruptedException {
    long start = System.nanoTime();
    try (JobWatch jobs = new JobWatch(client, world.ns())) {
      for (int done = 0; done < n; done += 500) {
        int from = done;
        run(
            jobs,
            "earlier-" + from,
            Math.min(500, n - from),
            i -> createTask(world, "earlier-" + from + "-" + i, "bench"));
      }
    }
    // The controller manager creates their pods at its 20 requests a second, minutes after the
    // last Job: the second pass measures KubeTask after them, not the stack catching up.
    awaitJobsFinished(world.ns());
    TaskWorld.deleteAllAndAwaitGone(client, Duration.ofMinutes(15), world.ns());
    return String.format(
        "ran %d Tasks through (created, Jobs finished, deleted) in %d s",
        n, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
  }

  private static String compare(String what, Result task, Result floor) {
    return String.format(
        "%s  create→Job p50 %6d ms (floor %5d ms, ×%.1f)  p95 %6d ms (floor %5d ms, ×%.1f)",
        what,
        task.p(50),
        floor.p(50),
        ratio(task.p(50), floor.p(50)),
        task.p(95),
        floor.p(95),
        ratio(task.p(95), floor.p(95)));
  }

  /**
   * KubeTask's Kubernetes API requests since {@code before}, per Task of {@code tasks}: the total,
   * then by resource and verb, most first (what the operator and worker do at rest in that time,
   * such as renewing the leader's lease, is in it too).
   */
  private String perTask(Map<String, Double> before, int tasks) {
    Map<String, Double> now = kubeTask.apiRequests();
    List<Map.Entry<String, Double>> grown =
        now.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .toList();
    double total = grown.stream().mapToDouble(Map.Entry::getValue).sum();
    return String.format("%.1f (", total / tasks)
        + grown.stream()
            .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / tasks))
            .collect(Collectors.joining(", "))
        + ")";
  }

  /** The CPU seconds each process has used so far, and when that was read. */
  private record CpuMark(Map<String, Double> seconds, long nanos) {}

  private CpuMark cpuMark() {
    return new CpuMark(kubeTask.cpuSeconds(), System.nanoTime());
  }

  /**
   * CPU seconds each process spent since {@code before}, largest first, then how busy that kept the
   * machine: their sum over the wall time, in cores, and the part of it the stack's own processes
   * (API server, Temporal, etcd, ...) spent. A burst that keeps every core busy is bound by CPU,
   * and the stack's part alone bounds how fast it can go on this machine.
   */
  private String since(CpuMark before) {
    Map<String, Double> now = kubeTask.cpuSeconds();
    double wall = (System.nanoTime() - before.nanos()) / 1e9;
    List<Map.Entry<String, Double>> spent =
        now.entrySet().stream()
            .map(
                e ->
                    Map.entry(
                        e.getKey(), e.getValue() - before.seconds().getOrDefault(e.getKey(), 0.0)))
            .filter(e -> !e.getValue().isNaN())
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .toList();
    List<String> own = kubeTask.kubeTaskProcesses();
    double total = spent.stream().mapToDouble(Map.Entry::getValue).sum();
    double stack =
        spent.stream()
            .filter(e -> !own.contains(e.getKey()))
            .mapToDouble(Map.Entry::getValue)
            .sum();
    return spent.stream()
            .map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", "))
        + String.format(
            "; %.1f in %.1f s: %.2f of %d cores busy (the stack's processes alone %.2f)",
            total, wall, total / wall, Runtime.getRuntime().availableProcessors(), stack / wall);
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

  /** Creates one object at a time, each once the previous one's Job exists. */
  private static Result sequential(JobWatch jobs, String prefix, IntConsumer create)
      throws InterruptedException {
    List<Long> latencies = new ArrayList<>();
    Map<String, Span> spans = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < SINGLES; i++) {
      long sent = System.nanoTime();
      create.accept(i);
      Long seen = jobs.await(prefix + "-" + i, sent + TimeUnit.MINUTES.toNanos(2));
      if (seen == null) {
        throw new AssertionError("no Job for " + prefix + "-" + i + " within 2 minutes");
      }
      latencies.add(TimeUnit.NANOSECONDS.toMillis(seen - sent));
      spans.put(prefix + "-" + i, new Span(EPOCH_NANOS + sent, EPOCH_NANOS + seen));
    }
    Collections.sort(latencies);
    return new Result(latencies, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), spans);
  }

  /**
   * Where the time of a single Task goes, from its workflow's history (the server's clock, the same
   * machine's): the operator's part up to the workflow's start, Temporal handing the first workflow
   * task to the worker, and the worker's part up to the Job.
   */
  private String breakdown(TaskWorld world, Result singles) {
    List<Long> operator = new ArrayList<>();
    List<Long> dispatch = new ArrayList<>();
    List<Long> worker = new ArrayList<>();
    singles.spans.forEach(
        (name, span) -> {
          Task task = world.awaitPhase(world.get(name), TaskPhase.COMPLETED);
          var events = kubeTask.temporal().fetchHistory(task.getStatus().workflowId()).getEvents();
          long started = epochNanos(events.get(0).getEventTime());
          long firstTask =
              events.stream()
                  .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
                  .map(e -> epochNanos(e.getEventTime()))
                  .findFirst()
                  .orElseThrow();
          operator.add(started - span.sent);
          dispatch.add(firstTask - started);
          worker.add(span.jobSeen - firstTask);
        });
    return String.format(
        "   where the time goes, p50: Task sent → workflow started %.1f ms, → first workflow"
            + " task started %.1f ms, → Job seen %.1f ms",
        medianMillis(operator), medianMillis(dispatch), medianMillis(worker));
  }

  private static double medianMillis(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) / 1e6;
  }

  private static long epochNanos(Timestamp t) {
    return TimeUnit.SECONDS.toNanos(t.getSeconds()) + t.getNanos();
  }

  /** Waits until every Job in the namespaces that does not hang has succeeded or failed. */
  private void awaitJobsFinished(String... namespaces) {
    await("the Jobs of " + String.join(", ", namespaces) + " finished")
        .atMost(Duration.ofMinutes(20))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                Stream.of(namespaces)
                    .flatMap(
                        ns -> client.batch().v1().jobs().inNamespace(ns).list().getItems().stream())
                    .allMatch(job -> hangs(job.getSpec().getTemplate()) || finished(job)));
  }

  private static boolean hangs(PodTemplateSpec template) {
    var labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
    return labels != null && HANG.getValue().equals(labels.get(HANG.getKey()));
  }

  private static boolean finished(Job job) {
    var status = job.getStatus();
    return status != null
        && (Objects.requireNonNullElse(status.getSucceeded(), 0) > 0
            || Objects.requireNonNullElse(status.getFailed(), 0) > 0);
  }

  private static void createTask(TaskWorld world, String name, String agent) {
    world.create(name, agent, TaskWorld.inline("/workspace/task.md", "Benchmark " + name));
  }

  private void createDirectly(String name) {
    createDirectly(name, false);
  }

  /** The floor: what a client does that creates the agent's ConfigMap and Job itself. */
  private void createDirectly(String name, boolean hangs) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(floorNs)
                .endMetadata()
                .withData(Map.of("file-0", "Benchmark " + name))
                .build())
        .create();
    client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(floorNs)
                .withLabels(Map.of("bench", name))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(hangs ? Map.ofEntries(HANG) : Map.of())
                .endMetadata()
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

  private String historyEvents(TaskWorld world) {
    Task task = world.awaitPhase(world.get("task-1-0"), TaskPhase.COMPLETED);
    return Integer.toString(
        kubeTask.temporal().fetchHistory(task.getStatus().workflowId()).getEvents().size());
  }

  /** Wall-clock time (epoch nanoseconds) of sending a Task and of seeing its Job. */
  private record Span(long sent, long jobSeen) {}

  /** Epoch nanoseconds at {@code System.nanoTime()} zero, to set the client's times by. */
  private static final long EPOCH_NANOS =
      TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - System.nanoTime();

  private record Result(List<Long> sortedMillis, long wallMillis, Map<String, Span> spans) {
    Result(List<Long> sortedMillis, long wallMillis) {
      this(sortedMillis, wallMillis, Map.of());
    }

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
