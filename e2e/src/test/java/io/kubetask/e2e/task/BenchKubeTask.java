package io.kubetask.e2e.task;

import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.PrometheusText;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The KubeTask a benchmark measures, in one of three shapes: {@code processes} (operator and worker
 * as two processes of app/target/kubetask.jar with the image's JVM settings and deploy/'s memory
 * limit, as in a cluster), {@code all-in-one} (one such process), or {@code in-process} (both in
 * the test's JVM, which is not what runs in production). Also reads what each process of KubeTask
 * and of the stack costs: CPU seconds and resident memory, from /proc.
 */
final class BenchKubeTask implements AutoCloseable {
  /** A generation in the serial collector's {@code GC.heap_info}: committed and used KB. */
  private static final Pattern GENERATION =
      Pattern.compile("generation\\s+total (\\d+)K, used (\\d+)K");

  /** Clock ticks per second of /proc/<pid>/stat on Linux. */
  private static final double TICKS = 100.0;

  final String shape;
  private final Stack stack;
  private final List<KubeTaskProcess> processes = new ArrayList<>();
  private final WorkflowClient temporal;
  private final String[] namespaces;

  private BenchKubeTask(String shape, Stack stack, String... namespaces) {
    this.shape = shape;
    this.stack = stack;
    this.namespaces = namespaces;
    switch (shape) {
      case "in-process" -> temporal = KubeTaskSystem.get().temporal();
      case "processes", "all-in-one" -> {
        stack.requireTemporal();
        stack.crds().apply();
        temporal = stack.temporal();
        String queue = "kubetask-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = KubeTaskProcess.owning(queue, namespaces);
        // As deployed by default: production's resync, not the suites' short one, and every
        // namespace watched (the operator then caches less of each Job and pod). The benchmark
        // has the stack to itself.
        settings.remove("KUBETASK_RESYNC_SECONDS");
        settings.remove("KUBETASK_WATCH_NAMESPACES");
        List<String> modes =
            shape.equals("processes") ? List.of("worker", "operator") : List.of("all-in-one");
        for (String mode : modes) {
          processes.add(KubeTaskProcess.jar(stack, mode, settings).start());
        }
      }
      default ->
          throw new IllegalArgumentException(
              "kubetask.benchmark.shape: processes, all-in-one or in-process, not " + shape);
    }
  }

  static BenchKubeTask start(String shape, Stack stack, String... namespaces) {
    return new BenchKubeTask(shape, stack, namespaces);
  }

  WorkflowClient temporal() {
    return temporal;
  }

  /** The pid of each process that does the work, by name: KubeTask's and the stack's. */
  Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    if (processes.isEmpty()) {
      pids.put("test JVM (operator + worker)", ProcessHandle.current().pid());
    }
    for (KubeTaskProcess p : processes) {
      pids.put(p.mode(), p.pid());
    }
    Path dir =
        stack
            .setting("KUBETASK_STACK_DIR")
            .map(Path::of)
            .orElse(stack.repoRoot().resolve(".stack"))
            .resolve("pids");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString().replace(".pid", "");
        if (!pids.containsKey(name)) {
          pids.put(name, Long.parseLong(Files.readString(f).trim()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  /** CPU seconds (user + system) each process has used so far. */
  Map<String, Double> cpuSeconds() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    pids().forEach((name, pid) -> cpu.put(name, cpuSeconds(pid)));
    return cpu;
  }

  /**
   * The Kubernetes API requests KubeTask's processes have made so far, by {@code "resource verb"}
   * over all status codes ({@code kubetask_kubernetes_requests_total}). Empty in-process.
   */
  Map<String, Double> apiRequests() {
    Map<String, Double> requests = new TreeMap<>();
    for (KubeTaskProcess p : processes) {
      for (PrometheusText.Sample s : p.metrics().samples()) {
        if (s.name().equals("kubetask_kubernetes_requests_total")) {
          requests.merge(
              s.labels().get("resource") + " " + s.labels().get("verb"), s.value(), Double::sum);
        }
      }
    }
    return requests;
  }

  /** The names {@link #pids} gives KubeTask's own processes; the others are the stack's. */
  List<String> kubeTaskProcesses() {
    return processes.isEmpty()
        ? List.of(pids().keySet().iterator().next())
        : processes.stream().map(KubeTaskProcess::mode).toList();
  }

  /** Resident memory of each KubeTask process, now and at its peak, in MB. */
  Map<String, String> memory() {
    Map<String, String> memory = new LinkedHashMap<>();
    Map<String, Long> pids = pids();
    for (String name : kubeTaskProcesses()) {
      Map<String, String> status = status(pids.get(name));
      memory.put(
          name, "RSS " + mb(status.get("VmRSS")) + " MB (peak " + mb(status.get("VmHWM")) + " MB)");
    }
    return memory;
  }

  /**
   * Each KubeTask process after a full collection (jcmd GC.run): its live heap, the heap it keeps
   * committed, and its resident memory then. The serial collector gives heap back only at a full
   * collection, so RSS after a burst shows the burst's peak, and this what the same Tasks need.
   * Empty in-process.
   */
  Map<String, String> afterFullGc() {
    Map<String, String> memory = new LinkedHashMap<>();
    for (KubeTaskProcess p : processes) {
      jcmd(p.pid(), "GC.run");
      long used = 0;
      long committed = 0;
      for (String line : jcmd(p.pid(), "GC.heap_info").split("\n")) {
        var m = GENERATION.matcher(line);
        if (m.find()) {
          committed += Long.parseLong(m.group(1));
          used += Long.parseLong(m.group(2));
        }
      }
      memory.put(
          p.mode(),
          String.format(
              "live heap %d MB (committed %d MB), RSS %d MB",
              used / 1024, committed / 1024, mb(status(p.pid()).get("VmRSS"))));
    }
    return memory;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String out = new String(process.getInputStream().readAllBytes());
      process.waitFor();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException e) {
      return Double.NaN; // Gone: a component that is not running costs nothing here.
    }
  }

  private static Map<String, String> status(long pid) {
    Map<String, String> status = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          status.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return status;
  }

  private static long mb(String kb) {
    return kb == null ? -1 : Long.parseLong(kb.replace(" kB", "").trim()) / 1024;
  }

  /** Whether an OutOfMemoryError ended or hit one of the KubeTask processes. */
  boolean outOfMemory() {
    return processes.stream()
        .anyMatch(p -> !p.isAlive() || p.log().contains("java.lang.OutOfMemoryError"));
  }

  /**
   * Deletes the namespaces' Tasks while KubeTask still runs (their finalizers need it), then stops.
   */
  @Override
  public void close() {
    try {
      String[] left =
          Stream.of(namespaces)
              .filter(ns -> stack.client().namespaces().withName(ns).get() != null)
              .toArray(String[]::new);
      TaskWorld.deleteAllAndAwaitGone(stack.client(), Duration.ofMinutes(15), left);
    } finally {
      processes.forEach(KubeTaskProcess::stop);
    }
  }
}
