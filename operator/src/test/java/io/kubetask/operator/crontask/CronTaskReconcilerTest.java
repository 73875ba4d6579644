package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CronTaskReconcilerTest {
  private static final String ID = "crontask/team/nightly";
  private static final Instant NOW = Instant.parse("2025-12-10T09:30:00Z");
  private static final Duration RESYNC = Duration.ofMinutes(5);

  KubernetesClient client;
  private FakeScheduleGateway schedules;
  private CronTaskReconciler reconciler;
  private final Set<Task> tasks = new HashSet<>();

  @BeforeEach
  void setUp() {
    schedules = new FakeScheduleGateway();
    reconciler =
        new CronTaskReconciler(
            schedules,
            client,
            "kubetask",
            Clock.fixed(NOW, ZoneOffset.UTC),
            RESYNC,
            replacing(client));
  }

  /**
   * Writes the status as the API server applies the reconciler's merge patch. The mock server
   * merges lists instead of replacing them (RFC 7386 replaces), so the test replaces the status
   * with a JSON patch; the merge patch itself is exercised by the E2E tests.
   */
  private static CronTaskReconciler.StatusWriter replacing(KubernetesClient client) {
    return (cronTask, status) -> {
      Map<String, Object> present = new java.util.LinkedHashMap<>(status);
      present.values().removeIf(java.util.Objects::isNull);
      client
          .resources(CronTask.class)
          .inNamespace(cronTask.getMetadata().getNamespace())
          .withName(cronTask.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON),
              CronTaskReconciler.json(
                  List.of(Map.of("op", "add", "path", "/status", "value", present))));
    };
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
    assertThat(
            CronTaskSchedules.differences(
                CronTaskSchedules.toSchedule(current(), "kubetask"), schedule))
        .isEmpty();
    CronTaskStatus status = current().getStatus();
    assertThat(status.scheduleId()).isEqualTo(ID);
    assertThat(status.nextScheduleTime()).isEqualTo("2025-12-10T09:31:00Z");
    assertThat(status.skippedFires()).isZero();
    assertThat(condition(current(), "Scheduled").getStatus()).isEqualTo("True");
    assertThat(condition(current(), "Suspended").getStatus()).isEqualTo("False");
    assertThat(events()).containsExactly("ScheduleCreated");
    assertThat(next).isEqualTo(Duration.ofSeconds(62));
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
    assertThat(CronTaskSchedules.target(schedules.schedules.get(ID)).orElseThrow().uid())
        .isEqualTo(current().getMetadata().getUid());
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
    CronTask annotated =
        client
            .resource(current())
            .edit(
                c -> {
                  c.getMetadata()
                      .setAnnotations(Map.of(KubeTaskAnnotations.RUN_NOW, "true", "keep", "me"));
                  return c;
                });

    reconciler.reconcile(annotated, context());
    reconciler.reconcile(annotated, context()); // A stale cached copy.

    assertThat(schedules.calls).containsExactly("create " + ID, "trigger " + ID);
    // The mock server keeps the key with a null value where the API server removes it.
    assertThat(current().getMetadata().getAnnotations().get(KubeTaskAnnotations.RUN_NOW)).isNull();
    assertThat(current().getMetadata().getAnnotations()).containsEntry("keep", "me");
    reconcile();
    assertThat(schedules.calls).containsExactly("create " + ID, "trigger " + ID);
    assertThat(events()).containsExactly("ScheduleCreated", "RunNow");
  }

  @Test
  void runNowRightAfterAFireWaitsForTheNextSecond() {
    create(cronTask());
    schedules.nextActionTimes = List.of(NOW.plusMillis(500));
    reconcile();
    client
        .resource(current())
        .edit(
            c -> {
              c.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.RUN_NOW, "true"));
              return c;
            });

    Duration again = reconcile();

    assertThat(schedules.calls).containsExactly("create " + ID);
    assertThat(current().getMetadata().getAnnotations())
        .containsEntry(KubeTaskAnnotations.RUN_NOW, "true");
    assertThat(again).isEqualTo(Duration.ofMillis(1200));
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
    assertThat(events()).containsExactly("ScheduleCreated", "Skipped");
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
}
