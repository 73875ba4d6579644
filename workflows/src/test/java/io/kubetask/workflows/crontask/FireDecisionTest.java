package io.kubetask.workflows.crontask;

import static io.kubetask.workflows.crontask.CronTaskFixtures.child;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FireDecisionTest {
  /** 09:00 UTC: a fire of "0 9 * * *". */
  private static final Instant NINE = Instant.parse("2025-12-10T09:00:00Z");

  /** A run-now, 17 s past a minute. */
  private static final Instant RUN_NOW = Instant.parse("2025-12-10T11:23:17Z");

  private static CronTask cronTask(
      ConcurrencyPolicy policy, boolean suspend, String schedule, String timeZone) {
    CronTask base = CronTaskFixtures.cronTask("team", "nightly", "uid-1", policy);
    base.setSpec(CronTaskFixtures.respec(base.getSpec(), schedule, timeZone, policy, suspend));
    return base;
  }

  private static CronTask cronTask(ConcurrencyPolicy policy) {
    return cronTask(policy, false, "0 9 * * *", null);
  }

  private static Task running(CronTask owner, String name) {
    return child(owner, name, TaskPhase.RUNNING, null, null);
  }

  /** A fire handled a second after its time, as a healthy worker does. */
  private static FireDecision decide(CronTask cronTask, List<Task> others, Instant at) {
    return FireDecision.decide(cronTask, others, at, at.plusSeconds(1));
  }

  @Test
  void aCalendarFireHandledPastTheStartingDeadlineIsMissedButARunNowIsNot() {
    CronTask cron = cronTask(ConcurrencyPolicy.ALLOW);
    FireDecision onTheDeadline = FireDecision.decide(cron, List.of(), NINE, NINE.plusSeconds(300));
    assertThat(onTheDeadline.create()).isTrue();

    FireDecision late = FireDecision.decide(cron, List.of(), NINE, NINE.plusSeconds(301));
    assertThat(late.create()).isFalse();
    assertThat(late.outcome()).isEqualTo("Missed");
    assertThat(late.reason()).isEqualTo("Late");
    assertThat(late.message()).contains("301 s after", "startingDeadlineSeconds (300 s)");

    // A run-now has no deadline; a suspended CronTask's late fire is Suspended, not Missed.
    assertThat(FireDecision.decide(cron, List.of(), RUN_NOW, RUN_NOW.plusSeconds(3600)).create())
        .isTrue();
    CronTask suspended = cronTask(ConcurrencyPolicy.ALLOW, true, "0 9 * * *", null);
    assertThat(FireDecision.decide(suspended, List.of(), NINE, NINE.plusSeconds(3600)).reason())
        .isEqualTo("Suspended");
  }

  @Test
  void theStartingDeadlineIsAtLeastTenSeconds() {
    CronTask cron = cronTask(ConcurrencyPolicy.ALLOW);
    cron.setSpec(CronTaskFixtures.withStartingDeadline(cron.getSpec(), 3L));
    assertThat(FireDecision.startingDeadline(cron.getSpec())).hasSeconds(10);
    assertThat(FireDecision.decide(cron, List.of(), NINE, NINE.plusSeconds(10)).create()).isTrue();
    assertThat(FireDecision.decide(cron, List.of(), NINE, NINE.plusSeconds(11)).outcome())
        .isEqualTo("Missed");
  }

  @Test
  void calendarFiresAreOnWholeMinutesAndRunNowsAreNot() {
    assertThat(FireDecision.isRunNow(NINE)).isFalse();
    assertThat(FireDecision.isRunNow(RUN_NOW)).isTrue();
  }

  @Test
  void aSuspendedCronTaskSkipsCalendarFiresButNotRunNow() {
    CronTask suspended = cronTask(ConcurrencyPolicy.FORBID, true, "0 9 * * *", null);

    FireDecision fire = decide(suspended, List.of(), NINE);
    assertThat(fire.create()).isFalse();
    assertThat(fire.reason()).isEqualTo("Suspended");
    assertThat(fire.message()).contains("spec.suspend is true");

    FireDecision runNow = decide(suspended, List.of(), RUN_NOW);
    assertThat(runNow.create()).isTrue();
    assertThat(runNow.reason()).isEqualTo("RunNow");
  }

  @Test
  void aFireOfAScheduleTheCronTaskNoLongerHasIsStale() {
    CronTask now10 = cronTask(ConcurrencyPolicy.ALLOW, false, "0 10 * * *", null);

    FireDecision stale = decide(now10, List.of(), NINE);
    assertThat(stale.create()).isFalse();
    assertThat(stale.reason()).isEqualTo("Stale");
    assertThat(stale.message()).contains("\"0 10 * * *\" in UTC");

    assertThat(decide(now10, List.of(), Instant.parse("2025-12-10T10:00:00Z")).create()).isTrue();
  }

  @Test
  void theTimeZoneDecidesWhetherTheFireStillMatches() {
    // 09:00 in Berlin is 08:00 UTC in winter.
    CronTask berlin = cronTask(ConcurrencyPolicy.ALLOW, false, "0 9 * * *", "Europe/Berlin");
    assertThat(decide(berlin, List.of(), Instant.parse("2025-12-10T08:00:00Z")).create()).isTrue();
    assertThat(decide(berlin, List.of(), NINE).reason()).isEqualTo("Stale");
    // Macros and day names are understood as the Schedule understands them.
    CronTask weekly = cronTask(ConcurrencyPolicy.ALLOW, false, "0 9 * * WED", null);
    assertThat(decide(weekly, List.of(), NINE).create()).isTrue(); // a Wednesday
    CronTask daily = cronTask(ConcurrencyPolicy.ALLOW, false, "@daily", null);
    assertThat(decide(daily, List.of(), NINE).reason()).isEqualTo("Stale");
  }

  @Test
  void forbidSkipsWhileATaskOfTheCronTaskIsActive() {
    CronTask cron = cronTask(ConcurrencyPolicy.FORBID);
    Task done = child(cron, "nightly-1", TaskPhase.COMPLETED, "2025-12-09T09:05:00Z", null);
    Task deleting = running(cron, "nightly-2");
    deleting.getMetadata().setDeletionTimestamp("2025-12-10T08:59:00Z");

    assertThat(decide(cron, List.of(done, deleting), NINE).create()).isTrue();

    Task pending = child(cron, "nightly-3", null, null, null);
    FireDecision skipped = decide(cron, List.of(done, pending), NINE);
    assertThat(skipped.create()).isFalse();
    assertThat(skipped.reason()).isEqualTo("Forbid");
    assertThat(skipped.message()).contains("nightly-3").contains("Forbid");
    // Forbid holds for run-now too.
    assertThat(decide(cron, List.of(pending), RUN_NOW).create()).isFalse();
    // A Task queued for a slot is active: its agent is still to run.
    Task queued = child(cron, "nightly-4", TaskPhase.QUEUED, null, null);
    assertThat(decide(cron, List.of(done, queued), NINE).reason()).isEqualTo("Forbid");
  }

  @Test
  void replaceStopsEveryActiveTaskNotAlreadyStopping() {
    CronTask cron = cronTask(ConcurrencyPolicy.REPLACE);
    Task one = running(cron, "nightly-1");
    Task two = running(cron, "nightly-2");
    Task stopping = running(cron, "nightly-3");
    stopping.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.STOP, "Replaced"));
    Task done = child(cron, "nightly-4", TaskPhase.FAILED, "2025-12-09T09:05:00Z", null);

    FireDecision fire = decide(cron, List.of(one, two, stopping, done), NINE);

    assertThat(fire.create()).isTrue();
    assertThat(fire.reason()).isEqualTo("Replaced");
    assertThat(fire.toStop()).containsExactly(one, two);
    assertThat(decide(cron, List.of(done), NINE).reason()).isEqualTo("Scheduled");
  }

  @Test
  void allowRunsBesideActiveTasks() {
    CronTask cron = cronTask(ConcurrencyPolicy.ALLOW);
    FireDecision fire = decide(cron, List.of(running(cron, "nightly-1")), NINE);
    assertThat(fire.create()).isTrue();
    assertThat(fire.toStop()).isEmpty();
  }
}
