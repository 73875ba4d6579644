package io.kubetask.workflows.crontask;

import static io.kubetask.workflows.crontask.CronTaskFixtures.child;
import static io.kubetask.workflows.crontask.CronTaskFixtures.cronTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.kubetask.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CronTaskActivitiesImplTest {
  private static final String NS = "team";

  /** 2024-12-10T09:00:00Z: a calendar fire of the fixtures' "0 9 * * *". */
  private static final long NINE = 1733821200L;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private final MutableClock clock = new MutableClock(Instant.EPOCH);
  private CronTaskActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    server = MergePatchCrudDispatcher.startServer();
    client = server.createClient();
    // CronTasks and Tasks have a status subresource, as on the API server.
    for (Class<? extends CustomResource<?, ?>> type : List.of(CronTask.class, Task.class)) {
      server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
    }
    activities = new CronTaskActivitiesImpl(client, clock);
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  /** Handles the fire a second after its scheduled time, as a healthy worker does. */
  private FireResult fire(CronTaskFire fire) {
    clock.set(Instant.ofEpochSecond(fire.scheduledAtEpochSeconds() + 1));
    return activities.createTask(fire);
  }

  private CronTaskFireStatus lastFire() {
    var status =
        client.resources(CronTask.class).inNamespace(NS).withName("nightly").get().getStatus();
    return status == null ? null : status.lastFire();
  }

  private void edit(CronTask cron, ConcurrencyPolicy policy, boolean suspend) {
    client
        .resources(CronTask.class)
        .inNamespace(NS)
        .withName(cron.getMetadata().getName())
        .edit(
            c -> {
              var spec = c.getSpec();
              c.setSpec(CronTaskFixtures.respec(spec, spec.schedule(), null, policy, suspend));
              return c;
            });
  }

  @Test
  void theCronTaskDecidesAtTheFireEvenWhenTheScheduleThinksOtherwise() {
    // As after a Temporal wipe: no run workflow remembers nightly-1, which still runs.
    CronTask cron = create(ConcurrencyPolicy.FORBID);
    client.resource(child(cron, "nightly-1", TaskPhase.RUNNING, null, null)).create();

    FireResult forbidden = fire(new CronTaskFire(ref(cron), NINE, "run-9"));

    assertThat(forbidden).isEqualTo(FireResult.skipped());
    assertThat(task("nightly-" + NINE)).isNull();
    assertThat(eventReasons()).containsExactly("Skipped");
    assertThat(lastFire())
        .isEqualTo(
            new CronTaskFireStatus(
                "2024-12-10T09:00:00Z",
                "Skipped",
                "Forbid",
                "Skipped the fire of 2024-12-10T09:00:00Z: Task nightly-1 of this CronTask is"
                    + " still active (concurrencyPolicy Forbid).",
                null));

    // Suspended while the Schedule was not paused (the operator was down): skipped too.
    edit(cron, ConcurrencyPolicy.ALLOW, true);
    assertThat(fire(new CronTaskFire(ref(cron), NINE + 86400, "run-10")))
        .isEqualTo(FireResult.skipped());
    assertThat(lastFire().reason()).isEqualTo("Suspended");

    // Replace: the running Task is asked to stop, and the fire's Task is created.
    edit(cron, ConcurrencyPolicy.REPLACE, false);
    FireResult replacing = fire(new CronTaskFire(ref(cron), NINE + 2 * 86400, "run-11"));
    assertThat(replacing.state()).isEqualTo(FireResult.State.CREATED);
    assertThat(task("nightly-1").getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.STOP, "Replaced");
    assertThat(lastFire().outcome()).isEqualTo("Created");
    assertThat(lastFire().reason()).isEqualTo("Replaced");
    assertThat(lastFire().taskName()).isEqualTo(replacing.taskName());
    assertThat(eventReasons()).containsExactly("Skipped", "Skipped", "Replaced", "TaskCreated");
    assertThat(client.resource(cron).get().getStatus().fires())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("Forbid", 1L, "Suspended", 1L, "Replaced", 1L));
  }

  @Test
  void aFireHandledPastItsStartingDeadlineIsMissedAndSaysHowLate() {
    // The worker was down for ten minutes; the Schedule started the run on time.
    CronTask cron = create(ConcurrencyPolicy.ALLOW);
    clock.set(Instant.ofEpochSecond(NINE).plusSeconds(600));

    assertThat(activities.createTask(new CronTaskFire(ref(cron), NINE, "run-9")))
        .isEqualTo(FireResult.skipped());

    assertThat(client.resources(Task.class).inNamespace(NS).list().getItems()).isEmpty();
    assertThat(eventReasons()).containsExactly("Missed");
    assertThat(lastFire())
        .isEqualTo(
            new CronTaskFireStatus(
                "2024-12-10T09:00:00Z",
                "Missed",
                "Late",
                "Missed the fire of 2024-12-10T09:00:00Z: it could be handled only 600 s after"
                    + " its scheduled time, past startingDeadlineSeconds (300 s).",
                null));
    assertThat(client.resource(cron).get().getStatus().fires()).containsEntry("Late", 1L);
  }

  @Test
  void anOlderFireDoesNotOverwriteANewerLastFire() {
    CronTask cron = create(ConcurrencyPolicy.ALLOW);
    fire(new CronTaskFire(ref(cron), NINE + 86400, "run-10"));
    fire(new CronTaskFire(ref(cron), NINE, "run-9"));

    assertThat(lastFire().scheduledTime()).isEqualTo("2024-12-11T09:00:00Z");
    assertThat(client.resource(cron).get().getStatus().fires()).containsEntry("Scheduled", 2L);
    assertThat(client.resources(Task.class).inNamespace(NS).list().getItems()).hasSize(2);
  }

  private CronTask create(ConcurrencyPolicy policy) {
    return client.resource(cronTask(NS, "nightly", "uid-1", policy)).create();
  }

  private static CronTaskRef ref(CronTask cron) {
    return new CronTaskRef(NS, "nightly", cron.getMetadata().getUid());
  }

  private Task task(String name) {
    return client.resources(Task.class).inNamespace(NS).withName(name).get();
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @Test
  void createsTheTaskOnceAndRecognisesItOnRetry() {
    CronTask cron = create(ConcurrencyPolicy.FORBID);
    CronTaskFire fire = new CronTaskFire(ref(cron), NINE, "run-1");

    FireResult first = fire(fire);
    FireResult retry = fire(fire);

    assertThat(first.state()).isEqualTo(FireResult.State.CREATED);
    assertThat(first.taskName()).isEqualTo("nightly-1733821200");
    assertThat(retry).isEqualTo(FireResult.exists(first.taskName(), first.taskUid()));
    Task task = task("nightly-1733821200");
    assertThat(task.getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.SCHEDULED_AT, "2024-12-10T09:00:00Z")
        .containsEntry(KubeTaskAnnotations.CRONTASK_RUN, "run-1");
    assertThat(client.resources(Task.class).inNamespace(NS).list().getItems()).hasSize(1);
    assertThat(eventReasons()).containsExactly("TaskCreated");
  }

  @Test
  void anotherRunOfTheSameSecondIsADuplicate() {
    CronTask cron = create(ConcurrencyPolicy.ALLOW);
    fire(new CronTaskFire(ref(cron), 100L, "run-1"));

    FireResult second = fire(new CronTaskFire(ref(cron), 100L, "run-2"));

    assertThat(second.state()).isEqualTo(FireResult.State.DUPLICATE);
    assertThat(task("nightly-100").getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.CRONTASK_RUN, "run-1");
  }

  @Test
  void aStoppedTaskOfTheSameRunIdIsNotAdopted() {
    CronTask cron = create(ConcurrencyPolicy.REPLACE);
    CronTaskFire fire = new CronTaskFire(ref(cron), 100L, "run-1");
    fire(fire);
    activities.replaced(fire);

    // Replace cancelled run-1, and a fire of the same second starts under the same workflow id.
    assertThat(fire(fire).state()).isEqualTo(FireResult.State.DUPLICATE);
  }

  @Test
  void aGoneOrRecreatedCronTaskCreatesNothing() {
    assertThat(fire(new CronTaskFire(new CronTaskRef(NS, "nightly", "x"), 1L, "r")))
        .isEqualTo(FireResult.gone());
    create(ConcurrencyPolicy.FORBID);
    assertThat(fire(new CronTaskFire(new CronTaskRef(NS, "nightly", "an-older-uid"), 1L, "r")))
        .isEqualTo(FireResult.gone());
    assertThat(client.resources(Task.class).inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aForeignTaskOfTheSameNameIsNotAdopted() {
    CronTask cron = create(ConcurrencyPolicy.FORBID);
    client.resource(new Task(NS, "nightly-5", CronTaskFixtures.TASK_SPEC)).create();

    FireResult result = fire(new CronTaskFire(ref(cron), 5L, "run-1"));

    assertThat(result).isEqualTo(FireResult.rejected());
    assertThat(eventReasons()).containsExactly("TaskCreationFailed");
  }

  @Test
  void aTaskIsFinishedWhenCompletedFailedOrGone() {
    CronTask cron = create(ConcurrencyPolicy.FORBID);
    Task running =
        client.resource(child(cron, "nightly-1", TaskPhase.RUNNING, null, null)).create();
    Task done =
        client
            .resource(child(cron, "nightly-2", TaskPhase.COMPLETED, "2025-01-01T00:00:00Z", null))
            .create();
    CronTaskRef ref = ref(cron);

    assertThat(activities.taskFinished(ref, "nightly-1", running.getMetadata().getUid())).isFalse();
    assertThat(activities.taskFinished(ref, "nightly-2", done.getMetadata().getUid())).isTrue();
    assertThat(activities.taskFinished(ref, "nightly-1", "another-uid")).isTrue();
    assertThat(activities.taskFinished(ref, "nightly-3", "any")).isTrue();
  }

  @Test
  void aTaskReplacingARunningOneIsMarkedToTakeItsSlotAndOneReplacingAQueuedOneIsNot() {
    CronTask cron = create(ConcurrencyPolicy.REPLACE);
    Task running = child(cron, "nightly-1", TaskPhase.RUNNING, null, null);
    running.setStatus(
        new TaskStatus(
            TaskPhase.RUNNING, "nightly-1-job", null, null, null, null, null, null, null));
    client.resource(running).create();

    FireResult replacing = fire(new CronTaskFire(ref(cron), NINE, "run-9"));

    assertThat(task(replacing.taskName()).getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.REPLACES, "nightly-1");

    // The new Task is queued, without a Job: the next one replacing it takes no one's slot.
    FireResult next = fire(new CronTaskFire(ref(cron), NINE + 86400, "run-10"));

    assertThat(task(next.taskName()).getMetadata().getAnnotations())
        .doesNotContainKey(KubeTaskAnnotations.REPLACES);
  }

  @Test
  void replacedAsksForTheTaskToStopUnderReplaceOnly() {
    CronTask cron = create(ConcurrencyPolicy.REPLACE);
    CronTaskFire fire = new CronTaskFire(ref(cron), 7L, "run-7");
    fire(fire);

    activities.replaced(fire);
    activities.replaced(fire);

    assertThat(task("nightly-7").getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.STOP, "Replaced");
    assertThat(eventReasons()).containsExactly("TaskCreated", "Replaced");
  }

  @Test
  void replacedLeavesTasksAloneWithoutReplacePolicyOrOfAnotherRun() {
    CronTask cron = create(ConcurrencyPolicy.FORBID);
    CronTaskFire fire = new CronTaskFire(ref(cron), 7L, "run-7");
    fire(fire);

    activities.replaced(fire);
    edit(cron, ConcurrencyPolicy.REPLACE, false);
    assertThat(client.resource(cron).get().getSpec().concurrencyPolicy())
        .isEqualTo(ConcurrencyPolicy.REPLACE);
    activities.replaced(new CronTaskFire(ref(cron), 7L, "another-run"));

    assertThat(task("nightly-7").getMetadata().getAnnotations())
        .doesNotContainKey(KubeTaskAnnotations.STOP);
  }

  @Test
  void pruningKeepsTheNewestWithinBothLimitsAndOnlyOwnTasks() {
    CronTask cron = create(ConcurrencyPolicy.FORBID); // keeps 2 Completed, 1 Failed
    for (int i = 1; i <= 4; i++) {
      client
          .resource(
              child(
                  cron, "nightly-" + i, TaskPhase.COMPLETED, "2025-01-01T0" + i + ":00:00Z", null))
          .create();
    }
    client
        .resource(child(cron, "nightly-5", TaskPhase.FAILED, "2025-01-01T05:00:00Z", null))
        .create();
    client
        .resource(child(cron, "nightly-6", TaskPhase.FAILED, "2025-01-01T06:00:00Z", null))
        .create();
    client.resource(child(cron, "nightly-7", TaskPhase.RUNNING, null, null)).create();
    Task foreign = child(cron, "nightly-0", TaskPhase.COMPLETED, "2024-01-01T00:00:00Z", null);
    foreign.getMetadata().getOwnerReferences().get(0).setUid("someone-else");
    client.resource(foreign).create();

    int deleted = activities.pruneHistory(ref(cron));

    assertThat(deleted).isEqualTo(3);
    assertThat(client.resources(Task.class).inNamespace(NS).list().getItems())
        .extracting(t -> t.getMetadata().getName())
        .containsExactlyInAnyOrder("nightly-0", "nightly-3", "nightly-4", "nightly-6", "nightly-7");
    assertThat(activities.pruneHistory(ref(cron))).isZero();
  }
}
