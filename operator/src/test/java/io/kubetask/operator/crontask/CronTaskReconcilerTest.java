package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.operator.crontask.CronTaskReconciler.ScheduleObserver;
import io.kubetask.operator.temporal.FinalizerDeadline;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributeKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler on fabric8's CRUD mock server with RFC 7386 merge patches ({@link
 * MergePatchCrudDispatcher}), as the API server applies them, and a fake Schedule gateway.
 */
class CronTaskReconcilerTest {
  private static final String ID = "crontask/team/nightly";

  /** Not on a minute's turn, where run-now waits (calendar fires are there). */
  private static final Instant NOW = Instant.parse("2025-12-10T09:30:20Z");

  private static final Duration RESYNC = Duration.ofMinutes(5);

  private KubernetesMockServer server;
  private KubernetesClient client;
  private FakeScheduleGateway schedules;
  private CronTaskReconciler reconciler;
  private final Set<Task> tasks = new HashSet<>();

  @BeforeEach
  void setUp() {
    server = MergePatchCrudDispatcher.startServer();
    // CronTasks have a status subresource: writes to the main resource leave status alone.
    server.expectCustomResource(
        CustomResourceDefinitionContext.fromCustomResourceType(CronTask.class));
    client = server.createClient();
    schedules = new FakeScheduleGateway();
    reconciler =
        new CronTaskReconciler(
            schedules,
            client,
            "kubetask",
            new FinalizerDeadline(Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC)),
            RESYNC,
            ScheduleObserver.NONE);
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @SuppressWarnings("unchecked")
  private Context<CronTask> context() {
    Context<CronTask> context = mock(Context.class);
    when(context.getSecondaryResources(Task.class)).thenReturn(Set.copyOf(tasks));
    return context;
  }

  private CronTask create(CronTasks cronTask) {
    return client.resource(cronTask.build()).create();
  }

  private CronTask current() {
    return client.resources(CronTask.class).inNamespace("team").withName("nightly").get();
  }

  private Duration reconcile() {
    var control = reconciler.reconcile(current(), context());
    return Duration.ofMillis(control.getScheduleDelay().orElseThrow());
  }

  private CronTask edit(UnaryOperator<CronTaskSpec> spec) {
    return client
        .resource(current())
        .edit(
            c -> {
              c.setSpec(spec.apply(c.getSpec()));
              return c;
            });
  }

  private CronTask annotate(Map<String, String> annotations) {
    return client
        .resource(current())
        .edit(
            c -> {
              c.getMetadata().setAnnotations(annotations);
              return c;
            });
  }

  private static CronTaskSpec with(
      CronTaskSpec s, String schedule, String timeZone, Boolean suspend) {
    return new CronTaskSpec(
        schedule,
        timeZone,
        s.startingDeadlineSeconds(),
        s.concurrencyPolicy(),
        suspend,
        s.successfulTasksHistoryLimit(),
        s.failedTasksHistoryLimit(),
        s.taskTemplate());
  }

  private List<String> events() {
    return client.v1().events().inNamespace("team").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  private List<String> eventMessages() {
    return client.v1().events().inNamespace("team").list().getItems().stream()
        .map(Event::getMessage)
        .toList();
  }

  private static Condition condition(CronTask cronTask, String type) {
    return cronTask.getStatus().conditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void createsTheScheduleAndReportsIt() {
    create(cronTask().policy(ConcurrencyPolicy.REPLACE));
    schedules.nextActionTimes = List.of(Instant.parse("2025-12-10T09:31:00Z"));

    Duration next = reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID);
    Schedule schedule = schedules.schedules.get(ID);
    assertThat(schedule.getSpec().getCalendars())
        .singleElement()
        .satisfies(c -> assertThat(c.getComment()).isEqualTo("0 9 * * *"));
    assertThat(schedule.getSpec().getTimeZoneName()).isEqualTo("UTC");
    assertThat(schedule.getPolicy().getOverlap())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER);
    assertThat(schedule.getPolicy().getCatchupWindow()).isEqualTo(Duration.ofSeconds(300));
    assertThat(schedule.getState().isPaused()).isFalse();
    assertThat(schedule.getState().getNote()).isEmpty();
    var action = (ScheduleActionStartWorkflow) schedule.getAction();
    assertThat(action.getWorkflowType()).isEqualTo("CronTaskRun");
    assertThat(action.getOptions().getWorkflowId()).isEqualTo("crontask-run/team/nightly");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo("kubetask");
    assertThat(action.getArguments().get(0, CronTaskRef.class))
        .isEqualTo(new CronTaskRef("team", "nightly", current().getMetadata().getUid()));
    var attributes = action.getOptions().getTypedSearchAttributes();
    assertThat(attributes.get(SearchAttributeKey.forKeyword("KubeTaskNamespace")))
        .isEqualTo("team");
    assertThat(attributes.get(SearchAttributeKey.forKeyword("KubeTaskCronTask")))
        .isEqualTo("nightly");
    assertThat(attributes.size()).isEqualTo(2);
    CronTaskStatus status = current().getStatus();
    assertThat(status.scheduleId()).isEqualTo(ID);
    assertThat(status.nextScheduleTime()).isEqualTo("2025-12-10T09:31:00Z");
    assertThat(status.skippedFires()).isZero();
    assertThat(status.missedFires()).isZero();
    assertThat(status.activeCount()).isZero();
    assertThat(status.active()).isNull();
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(condition(current(), "Scheduled").getStatus()).isEqualTo("True");
    assertThat(condition(current(), "Suspended").getStatus()).isEqualTo("False");
    assertThat(events()).containsExactly("ScheduleCreated");
    assertThat(next).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  void aScheduleInStepIsLeftAloneAndAnUnchangedStatusIsNotWritten() {
    create(cronTask());
    reconcile();
    String version = current().getMetadata().getResourceVersion();

    assertThat(reconcile()).isEqualTo(RESYNC);

    assertThat(schedules.calls).containsExactly("create " + ID);
    assertThat(current().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void specChangesUpdateTheSchedule() {
    create(cronTask());
    reconcile();
    edit(s -> with(s, "*/5 * * * *", "Europe/Berlin", false));

    reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID, "update " + ID);
    Schedule schedule = schedules.schedules.get(ID);
    assertThat(schedule.getSpec().getTimeZoneName()).isEqualTo("Europe/Berlin");
    assertThat(schedule.getSpec().getCalendars().get(0).getComment()).isEqualTo("*/5 * * * *");
    assertThat(events()).containsExactly("ScheduleCreated", "ScheduleUpdated");
  }

  @Test
  void suspendPausesTheScheduleAndResumeUnpausesIt() {
    create(cronTask());
    schedules.nextActionTimes = List.of(Instant.parse("2025-12-10T09:31:00Z"));
    reconcile();
    edit(s -> with(s, s.schedule(), null, true));

    assertThat(reconcile()).isEqualTo(RESYNC);

    ScheduleState state = schedules.schedules.get(ID).getState();
    assertThat(state.isPaused()).isTrue();
    assertThat(state.getNote()).startsWith("spec.suspend is true (generation");
    assertThat(current().getStatus().nextScheduleTime()).isNull();
    assertThat(condition(current(), "Suspended").getStatus()).isEqualTo("True");

    edit(s -> with(s, s.schedule(), null, false));
    reconcile();

    assertThat(schedules.schedules.get(ID).getState().isPaused()).isFalse();
    assertThat(current().getStatus().nextScheduleTime()).isEqualTo("2025-12-10T09:31:00Z");
    assertThat(events())
        .containsExactly(
            "ScheduleCreated", "ScheduleUpdated", "Suspended", "ScheduleUpdated", "Resumed");
  }

  @Test
  void aDeletedScheduleIsRestored() {
    create(cronTask());
    reconcile();
    schedules.schedules.clear();

    reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID, "create " + ID);
    assertThat(events()).containsExactly("ScheduleCreated", "ScheduleRestored");
  }

  @Test
  void aScheduleEditedByHandIsRestored() {
    create(cronTask());
    reconcile();
    Schedule ours = schedules.schedules.get(ID);
    schedules.schedules.put(
        ID,
        Schedule.newBuilder(ours)
            .setState(
                ScheduleState.newBuilder().setPaused(true).setNote("paused in the UI").build())
            .build());

    reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID, "update " + ID);
    assertThat(schedules.schedules.get(ID).getState().isPaused()).isFalse();
    assertThat(events()).containsExactly("ScheduleCreated", "ScheduleRestored");
  }

  @Test
  void theScheduleOfAnEarlierCronTaskOfTheSameNameIsReplaced() {
    schedules.create(ID, CronTaskSchedules.toSchedule(cronTask().uid("older").build(), "kubetask"));
    create(cronTask());

    reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID, "delete " + ID, "create " + ID);
    var action = (ScheduleActionStartWorkflow) schedules.schedules.get(ID).getAction();
    assertThat(action.getArguments().get(0, CronTaskRef.class).uid())
        .isEqualTo(current().getMetadata().getUid())
        .isNotEqualTo("older");
    assertThat(events()).containsExactly("ScheduleCreated");
  }

  @Test
  void anInvalidScheduleHasNoTemporalSchedule() {
    create(cronTask());
    reconcile();
    edit(s -> with(s, "0 25 * * *", null, false));

    reconcile();

    assertThat(schedules.schedules).isEmpty();
    Condition scheduled = condition(current(), "Scheduled");
    assertThat(scheduled.getStatus()).isEqualTo("False");
    assertThat(scheduled.getReason()).isEqualTo("InvalidSchedule");
    assertThat(scheduled.getMessage())
        .isEqualTo(
            "Invalid cron schedule \"0 25 * * *\": Failed to parse cron expression. Value 25 not in"
                + " range [0, 23]");
    assertThat(current().getStatus().scheduleId()).isNull();
    assertThat(current().getStatus().nextScheduleTime()).isNull();
    assertThat(current().getStatus().conditions())
        .extracting(Condition::getType)
        .containsExactly("Scheduled", "Suspended");
    assertThat(events()).containsExactly("ScheduleCreated", "InvalidSchedule");

    reconcile();
    assertThat(events()).containsExactly("ScheduleCreated", "InvalidSchedule");
  }

  @Test
  void aScheduleTemporalRejectsIsInvalid() {
    create(cronTask().timeZone("Europe/Berlin"));
    schedules.rejection = "Invalid schedule spec: unknown time zone Europe/Berlin";

    reconcile();

    assertThat(condition(current(), "Scheduled").getMessage())
        .isEqualTo(
            "Temporal rejected the schedule: Invalid schedule spec: unknown time zone"
                + " Europe/Berlin");
  }

  @Test
  void runNowTriggersOnceAndRemovesTheAnnotation() {
    create(cronTask());
    reconcile();
    CronTask annotated = annotate(Map.of(KubeTaskAnnotations.RUN_NOW, "true", "keep", "me"));

    reconciler.reconcile(annotated, context());
    reconciler.reconcile(annotated, context()); // A stale cached copy.

    assertThat(schedules.calls).containsExactly("create " + ID, "trigger " + ID);
    assertThat(current().getMetadata().getAnnotations())
        .doesNotContainKey(KubeTaskAnnotations.RUN_NOW)
        .containsEntry("keep", "me");
    reconcile();
    assertThat(schedules.calls).containsExactly("create " + ID, "trigger " + ID);
    assertThat(events()).containsExactly("ScheduleCreated", "RunNow");
  }

  @Test
  void runNowRightAfterAFireWaitsForTheNextSecond() {
    create(cronTask());
    schedules.nextActionTimes = List.of(NOW.plusMillis(500));
    reconcile();
    annotate(Map.of(KubeTaskAnnotations.RUN_NOW, "true"));

    Duration again = reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID);
    assertThat(current().getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.RUN_NOW, "true");
    assertThat(again).isEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void runNowOtherThanTrueIsIgnoredAndRemovedWithAWarning() {
    create(cronTask());
    reconcile();
    annotate(Map.of(KubeTaskAnnotations.RUN_NOW, "false"));

    reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID);
    assertThat(current().getMetadata().getAnnotations())
        .doesNotContainKey(KubeTaskAnnotations.RUN_NOW);
    assertThat(events()).containsExactly("ScheduleCreated", "IgnoredAnnotation");
  }

  @Test
  void runNowOfAnInvalidScheduleIsRefusedAndRemoved() {
    create(cronTask().schedule("0 25 * * *"));
    annotate(Map.of(KubeTaskAnnotations.RUN_NOW, "true"));

    reconcile();

    assertThat(schedules.calls).isEmpty();
    assertThat(current().getMetadata().getAnnotations())
        .doesNotContainKey(KubeTaskAnnotations.RUN_NOW);
    assertThat(events()).containsExactly("RunNowFailed", "InvalidSchedule");
  }

  @Test
  void statusListsActiveTasksAndReportsSkips() {
    CronTask cron = create(cronTask());
    reconcile();
    tasks.add(
        CronTaskStatusesTest.child(
            cron, "nightly-1", TaskPhase.RUNNING, "2025-12-10T09:00:00Z", null));
    tasks.add(
        CronTaskStatusesTest.child(
            cron,
            "nightly-0",
            TaskPhase.COMPLETED,
            "2025-12-09T09:00:00Z",
            "2025-12-09T09:07:00Z"));
    schedules.skipped = 1;

    reconcile();

    CronTaskStatus status = current().getStatus();
    assertThat(status.active()).extracting(r -> r.getName()).containsExactly("nightly-1");
    assertThat(status.lastScheduleTime()).isEqualTo("2025-12-10T09:00:00Z");
    assertThat(status.lastSuccessfulTime()).isEqualTo("2025-12-09T09:07:00Z");
    assertThat(status.skippedFires()).isEqualTo(1);
    assertThat(status.activeCount()).isEqualTo(1);
    assertThat(events()).containsExactly("ScheduleCreated", "Skipped");

    tasks.removeIf(t -> t.getMetadata().getName().equals("nightly-1"));
    tasks.add(
        CronTaskStatusesTest.child(
            cron, "nightly-1", TaskPhase.FAILED, "2025-12-10T09:00:00Z", "2025-12-10T09:10:00Z"));
    reconcile();

    status = current().getStatus();
    assertThat(status.active()).isNull();
    assertThat(status.activeCount()).isZero();
    assertThat(status.lastSuccessfulTime()).isEqualTo("2025-12-09T09:07:00Z");
  }

  @Test
  void cleanupCancelsTheRunningRunsAndDeletesTheSchedule() {
    create(cronTask());
    reconcile();

    reconciler.cleanup(current(), context());
    reconciler.cleanup(current(), context());

    assertThat(schedules.schedules).isEmpty();
    assertThat(schedules.calls)
        .containsExactly(
            "create " + ID, "cancel runs of " + ID, "delete " + ID, "cancel runs of " + ID);
  }

  @Test
  void aFinalizerWaitsForAnUnreachableTemporalAMinuteThenLetsTheCronTaskGo() {
    create(cronTask());
    reconcile();
    schedules.unreachable = new IllegalStateException("UNAVAILABLE: io exception");
    CronTask deleting = current();
    deleting.getMetadata().setDeletionTimestamp(NOW.minusSeconds(20).toString());

    DeleteControl early = reconciler.cleanup(deleting, context());
    deleting.getMetadata().setDeletionTimestamp(NOW.minusSeconds(60).toString());
    DeleteControl late = reconciler.cleanup(deleting, context());

    assertThat(early.isRemoveFinalizer()).isFalse();
    assertThat(early.getScheduleDelay()).contains(5_000L);
    assertThat(late.isRemoveFinalizer()).isTrue();
    assertThat(events()).containsExactly("ScheduleCreated", "TemporalUnreachable");
    assertThat(eventMessages())
        .last()
        .isEqualTo(
            "Could not delete Schedule "
                + ID
                + " within 60s of the deletion (UNAVAILABLE: io exception); deleted without it:"
                + " the operator deletes the Schedule once Temporal answers again.");
  }
}
