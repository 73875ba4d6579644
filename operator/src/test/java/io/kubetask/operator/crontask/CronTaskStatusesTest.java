package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.temporal.client.schedules.ScheduleInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CronTaskStatusesTest {
  private static final Instant NOW = Instant.parse("2025-12-10T09:30:00Z");

  static Task child(
      CronTask owner, String name, TaskPhase phase, String scheduledAt, String completed) {
    Task task =
        new Task(owner.getMetadata().getNamespace(), name, new TaskSpec(List.<Context>of(), null));
    task.getMetadata().setUid("uid-" + name);
    task.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.SCHEDULED_AT, scheduledAt));
    task.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withUid(owner.getMetadata().getUid())
                    .withController(true)
                    .withKind("CronTask")
                    .withName(owner.getMetadata().getName())
                    .build()));
    task.setStatus(new TaskStatus(phase, null, null, completed, null, null, null, null, null));
    return task;
  }

  private static Condition condition(CronTaskStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void statusFollowsTheTasksAndTheSchedule() {
    CronTask cron =
        cronTask().schedule("0 9 * * *").timeZone("Europe/Berlin").generation(3).build();
    List<Task> children =
        List.of(
            child(cron, "nightly-3", TaskPhase.RUNNING, "2025-12-10T08:00:00Z", null),
            child(
                cron,
                "nightly-1",
                TaskPhase.COMPLETED,
                "2025-12-08T08:00:00Z",
                "2025-12-08T08:05:00Z"),
            child(
                cron,
                "nightly-2",
                TaskPhase.FAILED,
                "2025-12-09T08:00:00Z",
                "2025-12-09T08:09:00Z"),
            child(cron, "nightly-4", null, "2025-12-10T09:00:00Z", null));
    ScheduleInfo info =
        FakeScheduleGateway.info(
            2,
            1,
            List.of(Instant.parse("2025-12-10T09:00:00.123Z")),
            List.of(Instant.parse("2025-12-11T08:00:00Z")));

    CronTaskStatus status = CronTaskStatuses.derive(cron, children, null, info, NOW);

    assertThat(status.active())
        .extracting(ObjectReference::getName)
        .containsExactly("nightly-3", "nightly-4");
    ObjectReference ref = status.active().get(0);
    assertThat(ref.getApiVersion()).isEqualTo("kubetask.io/v1alpha1");
    assertThat(ref.getKind()).isEqualTo("Task");
    assertThat(ref.getNamespace()).isEqualTo("team");
    assertThat(ref.getUid()).isEqualTo("uid-nightly-3");
    assertThat(status.lastScheduleTime()).isEqualTo("2025-12-10T09:00:00Z");
    assertThat(status.lastSuccessfulTime()).isEqualTo("2025-12-08T08:05:00Z");
    assertThat(status.nextScheduleTime()).isEqualTo("2025-12-11T08:00:00Z");
    assertThat(status.skippedFires()).isEqualTo(2);
    assertThat(status.missedFires()).isEqualTo(1);
    assertThat(status.observedGeneration()).isEqualTo(3);
    assertThat(status.scheduleId()).isEqualTo("crontask/team/nightly");
    Condition scheduled = condition(status, "Scheduled");
    assertThat(scheduled.getStatus()).isEqualTo("True");
    assertThat(scheduled.getReason()).isEqualTo("ScheduleActive");
    assertThat(scheduled.getMessage()).contains("\"0 9 * * *\" (Europe/Berlin)");
    assertThat(condition(status, "Suspended").getStatus()).isEqualTo("False");
  }

  @Test
  void timesNeverGoBackWhenTasksArePruned() {
    CronTask cron = cronTask().build();
    cron.setStatus(
        new CronTaskStatus(
            null,
            0,
            "2025-12-10T09:00:00Z",
            "2025-12-10T09:10:00Z",
            null,
            0L,
            0L,
            null,
            1L,
            null,
            null,
            null));
    List<Task> children =
        List.of(
            child(
                cron,
                "nightly-1",
                TaskPhase.COMPLETED,
                "2025-12-08T09:00:00Z",
                "2025-12-08T09:05:00Z"));

    CronTaskStatus status =
        CronTaskStatuses.derive(
            cron, children, null, FakeScheduleGateway.info(0, 0, List.of(), List.of()), NOW);

    assertThat(status.lastScheduleTime()).isEqualTo("2025-12-10T09:00:00Z");
    assertThat(status.lastSuccessfulTime()).isEqualTo("2025-12-10T09:10:00Z");
    assertThat(status.active()).isNull();
    assertThat(status.activeCount()).isZero();
  }

  @Test
  void aSuspendedCronTaskHasNoNextScheduleTime() {
    CronTask cron = cronTask().suspend(true).build();
    CronTaskStatus status =
        CronTaskStatuses.derive(
            cron,
            List.of(),
            null,
            FakeScheduleGateway.info(0, 0, List.of(), List.of(NOW.plusSeconds(60))),
            NOW);

    assertThat(status.nextScheduleTime()).isNull();
    assertThat(condition(status, "Suspended").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Scheduled").getStatus()).isEqualTo("True");
  }

  @Test
  void anInvalidScheduleSaysWhyAndHasNoSchedule() {
    CronTask cron = cronTask().schedule("61 * * * *").build();
    cron.setStatus(
        new CronTaskStatus(
            null,
            0,
            null,
            null,
            "2025-12-11T08:00:00Z",
            4L,
            2L,
            null,
            1L,
            "crontask/team/nightly",
            null,
            null));

    CronTaskStatus status =
        CronTaskStatuses.derive(cron, List.of(), "Invalid cron schedule ...", null, NOW);

    Condition scheduled = condition(status, "Scheduled");
    assertThat(scheduled.getStatus()).isEqualTo("False");
    assertThat(scheduled.getReason()).isEqualTo("InvalidSchedule");
    assertThat(scheduled.getMessage()).isEqualTo("Invalid cron schedule ...");
    assertThat(status.nextScheduleTime()).isNull();
    assertThat(status.scheduleId()).isNull();
    assertThat(status.skippedFires()).isEqualTo(4);
    assertThat(status.missedFires()).isEqualTo(2);
  }

  @Test
  void onlyTheCronTasksOwnTasksAreChildren() {
    CronTask cron = cronTask().uid("new").build();
    Task own = child(cron, "nightly-1", TaskPhase.RUNNING, "2025-12-10T09:00:00Z", null);
    Task earlier =
        child(
            cronTask().uid("old").build(),
            "nightly-0",
            TaskPhase.RUNNING,
            "2025-12-10T09:00:00Z",
            null);
    assertThat(CronTaskStatuses.children(cron, List.of(own, earlier))).containsExactly(own);
  }

  @Test
  void conditionsKeepTheirTransitionTimeWhileUnchanged() {
    CronTask cron = cronTask().build();
    CronTaskStatus first = CronTaskStatuses.derive(cron, List.of(), null, null, NOW);
    cron.setStatus(first);
    CronTaskStatus second =
        CronTaskStatuses.derive(cron, List.of(), null, null, NOW.plusSeconds(600));

    assertThat(second).isEqualTo(first);
    assertThat(condition(second, "Scheduled").getLastTransitionTime())
        .isEqualTo("2025-12-10T09:30:00Z");
  }

  @Test
  void eventsTellSkipsMissesInvalidSchedulesAndSuspension() {
    CronTask cron = cronTask().build();
    CronTaskStatus before =
        CronTaskStatuses.derive(
            cron, List.of(), null, FakeScheduleGateway.info(1, 0, List.of(), List.of()), NOW);
    cron.setStatus(before);
    CronTaskStatus after =
        CronTaskStatuses.derive(
            cron, List.of(), null, FakeScheduleGateway.info(3, 1, List.of(), List.of()), NOW);

    assertThat(CronTaskStatuses.events(before, after, cron.getSpec(), NOW))
        .extracting(CronTaskStatuses.Event::reason, CronTaskStatuses.Event::warning)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Skipped", false),
            org.assertj.core.groups.Tuple.tuple("Missed", true));
    assertThat(CronTaskStatuses.events(before, after, cron.getSpec(), NOW).get(0).message())
        .startsWith("2 fire(s) skipped");
    assertThat(CronTaskStatuses.events(null, before, cron.getSpec(), NOW)).isEmpty();

    CronTask invalid = cronTask().schedule("nope").build();
    invalid.setStatus(before);
    CronTaskStatus broken =
        CronTaskStatuses.derive(invalid, List.of(), "Invalid cron schedule", null, NOW);
    assertThat(CronTaskStatuses.events(before, broken, invalid.getSpec(), NOW))
        .extracting(CronTaskStatuses.Event::reason)
        .containsExactly("InvalidSchedule");
    assertThat(CronTaskStatuses.events(broken, broken, invalid.getSpec(), NOW)).isEmpty();

    CronTask suspended = cronTask().suspend(true).build();
    suspended.setStatus(before);
    CronTaskStatus paused =
        CronTaskStatuses.derive(
            suspended, List.of(), null, FakeScheduleGateway.info(1, 0, List.of(), List.of()), NOW);
    assertThat(CronTaskStatuses.events(before, paused, suspended.getSpec(), NOW))
        .extracting(CronTaskStatuses.Event::reason)
        .containsExactly("Suspended");
    assertThat(CronTaskStatuses.events(paused, before, cron.getSpec(), NOW))
        .extracting(CronTaskStatuses.Event::reason)
        .containsExactly("Resumed");
  }

  @Test
  void aMissedFireEventNamesTheNewestMissedFireAndHowLateItIs() {
    // Every five minutes, the default deadline of 300 s: at 09:30 the 09:25 fire is the newest
    // one too old to start.
    CronTask cron = cronTask().schedule("*/5 * * * *").build();
    CronTaskStatus before =
        CronTaskStatuses.derive(
            cron, List.of(), null, FakeScheduleGateway.info(0, 0, List.of(), List.of()), NOW);
    cron.setStatus(before);
    CronTaskStatus after =
        CronTaskStatuses.derive(
            cron, List.of(), null, FakeScheduleGateway.info(0, 4, List.of(), List.of()), NOW);

    assertThat(CronTaskStatuses.events(before, after, cron.getSpec(), NOW))
        .extracting(CronTaskStatuses.Event::message)
        .containsExactly(
            "4 fire(s) missed, the newest scheduled at 2025-12-10T09:25:00Z, 300 s ago: they"
                + " could not start within 300 seconds (startingDeadlineSeconds) of their"
                + " scheduled time.");
  }

  @Test
  void theNewestMissedFireIsNewerThanTheLastOneThatRan() {
    var spec = cronTask().schedule("0 9 * * *").build().getSpec();
    Instant tooOld = Instant.parse("2025-12-12T10:00:00Z");
    assertThat(CronTaskStatuses.newestMissed(spec, tooOld, Instant.parse("2025-12-10T09:00:00Z")))
        .contains(Instant.parse("2025-12-12T09:00:00Z"));
    assertThat(CronTaskStatuses.newestMissed(spec, tooOld, Instant.parse("2025-12-12T09:00:00Z")))
        .isEmpty();
    var invalid = cronTask().schedule("nope").build().getSpec();
    assertThat(CronTaskStatuses.newestMissed(invalid, tooOld, null)).isEmpty();
  }

  @Test
  void theNextReconcileFollowsTheNextFireWithinTheResync() {
    Duration resync = Duration.ofMinutes(5);
    CronTaskStatus soon =
        new CronTaskStatus(
            null, 0, null, null, "2025-12-10T09:31:00Z", 0L, 0L, null, 1L, null, null, null);
    CronTaskStatus later =
        new CronTaskStatus(
            null, 0, null, null, "2025-12-10T12:00:00Z", 0L, 0L, null, 1L, null, null, null);
    CronTaskStatus past =
        new CronTaskStatus(
            null, 0, null, null, "2025-12-10T09:00:00Z", 0L, 0L, null, 1L, null, null, null);
    CronTaskStatus none =
        new CronTaskStatus(null, 0, null, null, null, 0L, 0L, null, 1L, null, null, null);

    assertThat(CronTaskStatuses.nextReconcile(soon, NOW, resync)).isEqualTo(Duration.ofSeconds(62));
    assertThat(CronTaskStatuses.nextReconcile(later, NOW, resync)).isEqualTo(resync);
    assertThat(CronTaskStatuses.nextReconcile(past, NOW, resync)).isEqualTo(Duration.ofSeconds(1));
    assertThat(CronTaskStatuses.nextReconcile(none, NOW, resync)).isEqualTo(resync);
  }
}
