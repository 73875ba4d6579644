package io.kubetask.e2e.faults;

import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a fault suite kills and looks at: KubeTask's operator and worker as child processes that
 * watch only the suite's two namespaces and use a task queue of their own, the stack's Temporal dev
 * server, a {@link Ledger} of the namespaces, and a Temporal client to look at workflows.
 */
final class FaultRig implements AutoCloseable {
  /** How long Tasks may take to reach their end state once the killed component is back. */
  static final Duration TIMEOUT = Duration.ofSeconds(150);

  final Stack stack;
  final TaskWorld run;
  final TaskWorld ttl;
  final KubeTaskProcess operator;
  final KubeTaskProcess worker;
  final TemporalServer temporalServer;
  final Ledger ledger;
  final String taskQueue;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient temporal;

  private FaultRig(TestNamespace ns) {
    stack = ns.stack();
    String runNs = ns.name();
    String ttlNs = ns.another("ttl");
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporalAddress()).build());
    temporal =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder().setNamespace(stack.temporalNamespace()).build());
    run = new TaskWorld(stack.client(), temporal, runNs, TIMEOUT);
    ttl = new TaskWorld(stack.client(), temporal, ttlNs, TIMEOUT);
    ns.awaitDefaultServiceAccount(runNs);
    ns.awaitDefaultServiceAccount(ttlNs);
    taskQueue = "kubetask-faults-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = KubeTaskProcess.owning(taskQueue, runNs, ttlNs);
    // Prompt re-drive after Temporal lost its state.
    settings.put("KUBETASK_RESYNC_SECONDS", "10");
    settings.put("KUBETASK_LEADER_ELECTION", "false");
    settings.put(
        "KUBETASK_TEMPORAL_UI_URL",
        stack.setting("TEMPORAL_UI_URL").orElse("http://127.0.0.1:8233"));
    Path logs = Path.of("target", "faults", runNs);
    operator =
        KubeTaskProcess.onClassPath(stack, "operator", settings, logs.resolve("operator.log"));
    worker = KubeTaskProcess.onClassPath(stack, "worker", settings, logs.resolve("worker.log"));
    temporalServer = new TemporalServer(stack, logs.resolve("hack-stack-up.log"));
    ledger = new Ledger(stack.client(), List.of(runNs, ttlNs));
    worker.start();
    operator.start();
  }

  /** Starts the operator and worker for the suite's namespaces (made by {@code ns}). */
  static FaultRig start(TestNamespace ns) {
    ns.stack().requireTemporal();
    return new FaultRig(ns);
  }

  FaultScenario scenario() {
    return new FaultScenario(run, ttl, ledger, taskQueue, TIMEOUT);
  }

  /**
   * Leaves the stack as it was: Temporal up, the suite's Tasks deleted while the operator still
   * runs (so their finalizers go and the namespaces can be deleted), then both processes stopped.
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
      TaskWorld.deleteAllAndAwaitGone(run.client(), TIMEOUT, run.ns(), ttl.ns());
    } finally {
      operator.stop();
      worker.stop();
      ledger.close();
      stubs.shutdown();
    }
  }
}
