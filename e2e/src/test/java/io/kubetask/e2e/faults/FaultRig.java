package io.kubetask.e2e.faults;

import io.kubetask.e2e.support.KubeTaskProcess;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
  private final ChildKubeTask kubeTask;
  private final WorkflowClient temporal;

  private FaultRig(TestNamespace ns) {
    stack = ns.stack();
    String runNs = ns.name();
    String ttlNs = ns.another("ttl");
    temporal = stack.temporal();
    run = new TaskWorld(stack.client(), temporal, runNs, TIMEOUT);
    ttl = new TaskWorld(stack.client(), temporal, ttlNs, TIMEOUT);
    ns.awaitDefaultServiceAccount(runNs);
    ns.awaitDefaultServiceAccount(ttlNs);
    ledger = new Ledger(stack.client(), List.of(runNs, ttlNs));
    // Prompt re-drive after Temporal lost its state.
    kubeTask =
        ChildKubeTask.start(
            stack,
            Map.of(
                "KUBETASK_RESYNC_SECONDS",
                "10",
                "KUBETASK_LEADER_ELECTION",
                "false",
                "KUBETASK_TEMPORAL_UI_URL",
                stack.setting("TEMPORAL_UI_URL").orElse("http://127.0.0.1:8233")),
            TIMEOUT,
            runNs,
            ttlNs);
    operator = kubeTask.operator;
    worker = kubeTask.worker;
    temporalServer = kubeTask.temporalServer;
    taskQueue = kubeTask.taskQueue;
  }

  /** Starts the operator and worker for the suite's namespaces (made by {@code ns}). */
  static FaultRig start(TestNamespace ns) {
    ns.stack().requireTemporal();
    return new FaultRig(ns);
  }

  FaultScenario scenario() {
    return new FaultScenario(run, ttl, ledger, taskQueue, TIMEOUT);
  }

  /** Leaves the stack as it was (see {@link ChildKubeTask#close()}). */
  @Override
  public void close() {
    try {
      kubeTask.close();
    } finally {
      ledger.close();
    }
  }
}
