package io.kubetask.e2e.faults;

import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * KubeTask's operator and worker as child processes (app's classes) that watch only a fault suite's
 * namespaces, on a task queue of their own, with the stack's Temporal dev server the suite may kill
 * or wipe. Their logs go to {@code target/faults/<first namespace>/}.
 */
final class ChildKubeTask implements AutoCloseable {
  final KubeTaskProcess operator;
  final KubeTaskProcess worker;
  final TemporalServer temporalServer;
  final String taskQueue;
  private final Stack stack;
  private final String[] namespaces;
  private final Duration timeout;

  /**
   * Starts the worker, then the operator.
   *
   * @param settings more environment for both (e.g. KUBETASK_RESYNC_SECONDS)
   * @param timeout how long {@link #close()} may wait for the namespaces' CronTasks and Tasks to go
   */
  static ChildKubeTask start(
      Stack stack, Map<String, String> settings, Duration timeout, String... namespaces) {
    return new ChildKubeTask(stack, settings, timeout, namespaces);
  }

  private ChildKubeTask(
      Stack stack, Map<String, String> extra, Duration timeout, String... namespaces) {
    this.stack = stack;
    this.namespaces = namespaces;
    this.timeout = timeout;
    stack.requireTemporal();
    taskQueue = "kubetask-faults-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = KubeTaskProcess.owning(taskQueue, namespaces);
    settings.putAll(extra);
    Path logs = Path.of("target", "faults", namespaces[0]);
    operator =
        KubeTaskProcess.onClassPath(stack, "operator", settings, logs.resolve("operator.log"));
    worker = KubeTaskProcess.onClassPath(stack, "worker", settings, logs.resolve("worker.log"));
    temporalServer = new TemporalServer(stack, logs.resolve("hack-stack-up.log"));
    worker.start();
    operator.start();
  }

  /**
   * Leaves the stack as it was: Temporal up, the namespaces' CronTasks and Tasks deleted while the
   * operator runs (so their finalizers go and the namespaces can be deleted), both processes
   * stopped.
   */
  @Override
  public void close() {
    try {
      if (!temporalServer.runs()) {
        temporalServer.up();
      }
      if (!worker.isAlive()) {
        worker.start();
      }
      if (!operator.isAlive()) {
        operator.start();
      }
      TaskWorld.deleteAllAndAwaitGone(stack.client(), timeout, namespaces);
    } finally {
      operator.stop();
      worker.stop();
    }
  }
}
