package io.kubetask.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.operator.KubeTaskOperator;
import io.kubetask.operator.OperatorConfig;
import io.kubetask.operator.crontask.ScheduleGateway;
import io.kubetask.operator.task.TaskWorkflowGateway;
import io.kubetask.operator.task.TaskWorkflowTarget;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.task.TaskRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two operator replicas on one Lease, as the Deployment of deploy/ runs them and with its
 * ServiceAccount's permissions: only the leader reconciles, and when it stops (without releasing
 * the Lease, as when a pod is killed) the other takes over within the lease duration. What each
 * replica does is recorded by its own workflow gateway, so no Temporal is involved.
 */
@Tag("deploy")
class LeaderElectionE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Duration LEASE = Duration.ofSeconds(6);
  private static final String LEASE_NAME =
      "kubetask-operator-e2e-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
  private static final List<Replica> replicas = new ArrayList<>();

  /** One operator replica: its own client (as the operator's ServiceAccount) and gateway. */
  record Replica(
      String identity, Operator operator, RecordingGateway tasks, KubernetesClient client) {}

  @BeforeAll
  static void applyRbac() {
    DeployRbac.apply(NS.stack());
  }

  @AfterAll
  static void stopReplicas() {
    // Tasks go while a replica still runs, so their finalizers are removed; after a failure
    // (no leader) the finalizers are dropped by hand, so the namespace can go.
    var tasks = NS.client().resources(Task.class).inNamespace(NS.name());
    tasks.delete();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> tasks.list().getItems().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      tasks
          .list()
          .getItems()
          .forEach(
              t ->
                  tasks
                      .resource(t)
                      .edit(
                          x -> {
                            x.getMetadata().setFinalizers(null);
                            return x;
                          }));
    }
    for (Replica replica : replicas) {
      replica.operator().stop();
      replica.client().close();
    }
  }

  @Test
  void onlyTheLeaderReconcilesAndTheOtherTakesOverWhenItGoes() {
    Replica first = start("replica-a");
    await("replica-a leads")
        .atMost(LEASE.multipliedBy(3))
        .until(() -> holder().equals("replica-a"));
    Replica second = start("replica-b");

    Task one = create("one");
    await("the leader starts the workflow of Task one")
        .atMost(Duration.ofSeconds(60))
        .until(() -> first.tasks().started().contains(one.getMetadata().getUid()));
    assertThat(second.tasks().calls()).as("the standby replica reconciles nothing").isEmpty();
    assertThat(holder()).isEqualTo("replica-a");

    Instant stopped = Instant.now();
    first.operator().stop();
    await("replica-b takes the Lease")
        .atMost(LEASE.plus(Duration.ofSeconds(30)))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> holder().equals("replica-b"));
    Duration handover = Duration.between(stopped, Instant.now());
    System.err.println(
        "LeaderElectionE2E: replica-b took over " + handover + " after replica-a stopped");
    await("the new leader reconciles the existing Task")
        .atMost(Duration.ofSeconds(60))
        .until(() -> second.tasks().started().contains(one.getMetadata().getUid()));
    int firstCalls = first.tasks().calls().size();

    Task two = create("two");
    await("the new leader handles a new Task")
        .atMost(Duration.ofSeconds(60))
        .until(() -> second.tasks().started().contains(two.getMetadata().getUid()));
    assertThat(first.tasks().calls())
        .as("the stopped replica does nothing more")
        .hasSize(firstCalls);
    assertThat(handover)
        .as(
            "the Lease expires %s after the last renewal; takeover follows within a retry period",
            LEASE)
        .isLessThan(LEASE.plus(Duration.ofSeconds(15)));
  }

  private static Replica start(String identity) {
    KubernetesClient client = DeployRbac.impersonating(NS.stack(), DeployRbac.OPERATOR);
    var config =
        OperatorConfig.fromEnv(
            Map.of(
                "KUBETASK_WATCH_NAMESPACES",
                NS.name(),
                "KUBETASK_LEADER_ELECTION",
                "true",
                "KUBETASK_LEADER_ELECTION_LEASE",
                LEASE_NAME,
                "KUBETASK_NAMESPACE",
                DeployRbac.NAMESPACE));
    var gateway = new RecordingGateway();
    Operator operator =
        KubeTaskOperator.create(
            client,
            gateway,
            new NoSchedules(),
            config,
            new SimpleMeterRegistry(),
            o ->
                // Short durations keep the test quick; this configuration replaces the program's
                // own (see LeaseHandover and ShutdownE2E), so a replica that stops here neither
                // releases the Lease nor ends this JVM: what a killed pod looks like.
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        LEASE_NAME,
                        DeployRbac.NAMESPACE,
                        LEASE,
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(1),
                        identity,
                        null,
                        false)));
    operator.start();
    Replica replica = new Replica(identity, operator, gateway, client);
    replicas.add(replica);
    return replica;
  }

  private static String holder() {
    Lease lease = NS.client().leases().inNamespace(DeployRbac.NAMESPACE).withName(LEASE_NAME).get();
    return lease == null || lease.getSpec().getHolderIdentity() == null
        ? ""
        : lease.getSpec().getHolderIdentity();
  }

  private static Task create(String name) {
    Context task = Context.file(FileContext.inline("/workspace/task.md", "Lead."));
    return NS.client()
        .resource(new Task(NS.name(), name, new TaskSpec(List.of(task), null)))
        .create();
  }

  /** Records what the operator asks of Temporal. */
  static final class RecordingGateway implements TaskWorkflowGateway {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void ensureStarted(TaskWorkflowTarget target) {
      calls.add("start " + target.ref().uid());
    }

    @Override
    public void signal(TaskWorkflowTarget target, Signal signal) {
      calls.add("signal " + target.ref().uid());
    }

    @Override
    public void terminate(TaskRef ref) {
      calls.add("terminate " + ref.uid());
    }

    @Override
    public void taskGone(String cronTaskRunWorkflowId) {}

    List<String> calls() {
      return List.copyOf(calls);
    }

    List<String> started() {
      return calls.stream().filter(c -> c.startsWith("start ")).map(c -> c.substring(6)).toList();
    }
  }

  /** No CronTasks here. */
  static final class NoSchedules implements ScheduleGateway {
    @Override
    public Optional<ScheduleDescription> describe(String scheduleId) {
      return Optional.empty();
    }

    @Override
    public void create(String scheduleId, Schedule schedule) {}

    @Override
    public void update(String scheduleId, Schedule schedule) {}

    @Override
    public boolean delete(String scheduleId) {
      return false;
    }

    @Override
    public void trigger(String scheduleId) {}

    @Override
    public void cancelRuns(CronTaskRef cronTask) {}

    @Override
    public List<String> cronTaskScheduleIds() {
      return List.of();
    }
  }
}
