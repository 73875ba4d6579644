package io.kubetask.e2e.system;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.kubetask.e2e.support.Stack;
import io.kubetask.operator.KubeTaskOperator;
import io.kubetask.operator.OperatorConfig;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.worker.KubeTaskWorker;
import io.kubetask.worker.WorkerConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * KubeTask's operator and worker, running in this JVM against the local stack: the real API server,
 * Job controller, garbage collector, kwok and the Temporal dev server. Started once per test JVM and
 * shared by every end-to-end suite; it uses a task queue of its own so that no other worker (for
 * example one started by {@code hack/stack up --kubetask}) picks up its workflows.
 */
public final class KubeTaskSystem {
  private static KubeTaskSystem shared;

  private final Stack stack;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient temporal;
  private final OperatorConfig operatorConfig;
  private final WorkerConfig workerConfig;
  private final Operator operator;
  private final WorkerFactory workers;

  private KubeTaskSystem(Stack stack) {
    this.stack = stack;
    stack.requireTemporal();
    stack.crds().apply();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("TEMPORAL_ADDRESS", stack.temporalAddress());
    env.put("TEMPORAL_NAMESPACE", stack.temporalNamespace());
    env.put("KUBETASK_TASK_QUEUE", "kubetask-e2e-" + UUID.randomUUID().toString().substring(0, 8));
    env.put("KUBETASK_RESYNC_SECONDS", "30");
    env.put("KUBETASK_TEMPORAL_UI_URL", stack.setting("TEMPORAL_UI_URL").orElse("http://127.0.0.1:8233"));
    operatorConfig = OperatorConfig.fromEnv(env);
    workerConfig = WorkerConfig.fromEnv(env);
    stubs = operatorConfig.temporal().connect();
    temporal = operatorConfig.temporal().client(stubs);
    new SearchAttributeRegistrar(temporal).register();
    workers = KubeTaskWorker.create(stack.client(), temporal, workerConfig);
    workers.start();
    operator = KubeTaskOperator.create(stack.client(), temporal, operatorConfig);
    operator.start();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
  }

  /** The system, started on first use. */
  public static synchronized KubeTaskSystem get() {
    if (shared == null) {
      shared = new KubeTaskSystem(Stack.get());
    }
    return shared;
  }

  public KubernetesClient client() {
    return stack.client();
  }

  public Stack stack() {
    return stack;
  }

  public WorkflowClient temporal() {
    return temporal;
  }

  public String taskQueue() {
    return operatorConfig.temporal().taskQueue();
  }

  private void stop() {
    operator.stop();
    workers.shutdown();
    workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    stubs.shutdown();
  }

  /** How long end-to-end waits may take on a loaded two-core machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(90);
}
