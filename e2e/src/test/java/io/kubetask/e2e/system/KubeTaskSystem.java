package io.kubetask.e2e.system;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.kubetask.e2e.deploy.DeployRbac;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.operator.KubeTaskOperator;
import io.kubetask.operator.OperatorConfig;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.worker.KubeTaskWorker;
import io.kubetask.worker.WorkerConfig;
import io.kubetask.workflows.support.ActivityMetrics;
import io.kubetask.workflows.task.FailedCreates;
import io.kubetask.workflows.temporal.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * KubeTask's operator and worker, running in this JVM against the local stack: the real API server,
 * Job controller, garbage collector, kwok and the Temporal dev server. Started once per test JVM
 * and shared by every end-to-end suite; it uses a task queue of its own so that no other worker
 * (for example one started by {@code hack/stack up --kubetask}) picks up its workflows.
 *
 * <p>Its operator watches only the namespaces that {@link TestNamespace} made in this JVM (it
 * follows as suites make more), so test JVMs that share one stack, and the fault suite's operator
 * in a child process, never reconcile each other's Tasks. An operator that watches every namespace
 * (such as {@code hack/stack up --kubetask}'s) still races it for the Tasks of the suites: stop it
 * before running them.
 *
 * <p>With {@code -Dkubetask.e2e.rbac=true} the operator and the worker talk to the API server as
 * the ServiceAccounts of deploy/ (impersonated, after applying deploy/'s RBAC), so the suites run
 * with exactly the permissions of an installed KubeTask; {@link #client()} stays the admin client
 * the tests use for their own setup and checks.
 */
public final class KubeTaskSystem {
  /** The system property that makes the operator and worker use deploy/'s RBAC. */
  public static final String RBAC_PROPERTY = "kubetask.e2e.rbac";

  private static KubeTaskSystem shared;

  /** Watched while no namespace exists yet: a name no namespace has (an empty set means all). */
  private static final String NO_NAMESPACE = "kubetask-e2e-none";

  private final Stack stack;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient temporal;
  private final OperatorConfig operatorConfig;
  private final WorkerConfig workerConfig;
  private final Map<String, String> env;
  private final KubernetesClient operatorClient;
  private final WorkerFactory workers;
  private final FailedCreates.Watched failedCreates;
  private final List<KubernetesClient> impersonated = new ArrayList<>();
  private Operator operator;
  private Set<String> watched;

  private KubeTaskSystem(Stack stack) {
    this.stack = stack;
    stack.requireTemporal();
    stack.crds().apply();
    env = new HashMap<>(System.getenv());
    env.put("TEMPORAL_ADDRESS", stack.temporalAddress());
    env.put("TEMPORAL_NAMESPACE", stack.temporalNamespace());
    env.put("KUBETASK_TASK_QUEUE", "kubetask-e2e-" + UUID.randomUUID().toString().substring(0, 8));
    env.put("KUBETASK_RESYNC_SECONDS", "30");
    env.put(
        "KUBETASK_TEMPORAL_UI_URL",
        stack.setting("TEMPORAL_UI_URL").orElse("http://127.0.0.1:8233"));
    operatorConfig = OperatorConfig.fromEnv(env);
    workerConfig = WorkerConfig.fromEnv(env);
    stubs = TemporalConnection.connect(operatorConfig.temporal());
    temporal = TemporalConnection.client(operatorConfig.temporal(), stubs);
    new SearchAttributeRegistrar(temporal).register();
    KubernetesClient operatorClient = stack.client();
    KubernetesClient workerClient = stack.client();
    if (Boolean.getBoolean(RBAC_PROPERTY)) {
      DeployRbac.apply(stack);
      operatorClient = DeployRbac.impersonating(stack, DeployRbac.OPERATOR);
      workerClient = DeployRbac.impersonating(stack, DeployRbac.WORKER);
      impersonated.addAll(List.of(operatorClient, workerClient));
      System.err.println(
          "KubeTask E2E: the operator runs as "
              + DeployRbac.username(DeployRbac.OPERATOR)
              + " and the worker as "
              + DeployRbac.username(DeployRbac.WORKER));
    }
    // As the worker process does: a Job's FailedCreate Events come from one watch.
    failedCreates = FailedCreates.watching(workerClient);
    workers =
        KubeTaskWorker.create(
            workerClient, temporal, workerConfig, ActivityMetrics.NONE, failedCreates);
    workers.start();
    this.operatorClient = operatorClient;
    TestNamespace.whenCreated(this::watch);
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

  /** A {@link TaskWorld} of this namespace, with this system's clients and {@link #TIMEOUT}. */
  public TaskWorld world(String namespace) {
    return new TaskWorld(stack.client(), temporal, namespace, TIMEOUT);
  }

  public String taskQueue() {
    return operatorConfig.temporal().taskQueue();
  }

  /**
   * Makes the operator watch these namespaces (those already deleted left out). It starts a new
   * operator and then stops the old one rather than changing the namespaces of the running one:
   * JOSDK's changeNamespaces leaves a resource whose reconciliation was in flight unprocessed for
   * good. The new operator lists everything it watches and so reconciles every resource again.
   */
  private synchronized void watch(Set<String> namespaces) {
    Set<String> target = new TreeSet<>();
    for (String ns : namespaces) {
      if (stack.client().namespaces().withName(ns).get() != null) {
        target.add(ns);
      }
    }
    if (target.isEmpty()) {
      target.add(NO_NAMESPACE);
    }
    if (target.equals(watched)) {
      return;
    }
    Map<String, String> settings = new HashMap<>(env);
    settings.put("KUBETASK_WATCH_NAMESPACES", String.join(",", target));
    Operator replaced = operator;
    operator = KubeTaskOperator.create(operatorClient, temporal, OperatorConfig.fromEnv(settings));
    operator.start();
    watched = target;
    if (replaced != null) {
      replaced.stop();
    }
  }

  private synchronized void stop() {
    operator.stop();
    workers.shutdown();
    workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    failedCreates.close();
    stubs.shutdown();
    impersonated.forEach(KubernetesClient::close);
  }

  /** How long end-to-end waits may take on a loaded two-core machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(90);
}
