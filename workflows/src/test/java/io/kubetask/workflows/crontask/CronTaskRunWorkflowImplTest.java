package io.kubetask.workflows.crontask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.kubetask.workflows.support.RecordedHistories;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class CronTaskRunWorkflowImplTest {
  private static final String QUEUE = "test";
  private static final CronTaskRef CRON = new CronTaskRef("ns", "nightly", "uid-1");
  private static final String RUN_ID = "crontask-run/ns/nightly-2025-12-10T09:00:00Z";

  private TestWorkflowEnvironment env;
  private CronTaskActivities activities;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    activities = mock(CronTaskActivities.class, withSettings().withoutAnnotations());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(CronTaskRunWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    client = env.getWorkflowClient();
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private CronTaskRunWorkflow stub(WorkflowOptions.Builder options) {
    return client.newWorkflowStub(
        CronTaskRunWorkflow.class, options.setWorkflowId(RUN_ID).setTaskQueue(QUEUE).build());
  }

  private CronTaskRunWorkflow stub() {
    return stub(WorkflowOptions.newBuilder());
  }

  @Test
  void createsTheTaskWaitsForItsSignalThenPrunes() {
    when(activities.createTask(any())).thenReturn(FireResult.created("nightly-1", "t-1"));
    when(activities.taskFinished(CRON, "nightly-1", "t-1")).thenReturn(true);
    CronTaskRunWorkflow run = stub();
    WorkflowClient.start(run::run, CRON, null);
    verify(activities, timeout(5000)).createTask(any());
    verify(activities, after(200).never()).pruneHistory(any());

    long before = env.currentTimeMillis();
    run.taskFinished();
    // Time skipping stays locked until getResult: only the signal can end the wait this soon,
    // not the one-minute re-check.
    verify(activities, timeout(5000)).pruneHistory(CRON);
    assertThat(env.currentTimeMillis() - before).isLessThan(Duration.ofMinutes(1).toMillis());
    WorkflowStub.fromTyped(run).getResult(Void.class);

    var order = inOrder(activities);
    order.verify(activities).createTask(any());
    order.verify(activities).taskFinished(CRON, "nightly-1", "t-1");
    order.verify(activities).pruneHistory(CRON);
  }

  @Test
  void theFireIsNamedAfterTheScheduledStartTimeAndRecordsTheRun() {
    env.registerSearchAttribute(
        CronTaskRunWorkflowImpl.SCHEDULED_START_TIME.getName(),
        IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
    when(activities.createTask(any())).thenReturn(FireResult.gone());
    OffsetDateTime scheduled = OffsetDateTime.of(2025, 12, 10, 9, 0, 0, 0, ZoneOffset.UTC);
    CronTaskRunWorkflow run =
        stub(
            WorkflowOptions.newBuilder()
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(CronTaskRunWorkflowImpl.SCHEDULED_START_TIME, scheduled)
                        .build()));
    run.run(CRON, null);

    ArgumentCaptor<CronTaskFire> fire = ArgumentCaptor.forClass(CronTaskFire.class);
    verify(activities).createTask(fire.capture());
    assertThat(fire.getValue())
        .isEqualTo(new CronTaskFire(CRON, scheduled.toEpochSecond(), RUN_ID));
    assertThat(fire.getValue().taskName()).isEqualTo("nightly-1765357200");
  }

  @Test
  void withoutASchedulerTheStartTimeNamesTheFire() {
    when(activities.createTask(any())).thenReturn(FireResult.gone());
    long now = env.currentTimeMillis() / 1000;
    stub().run(CRON, null);

    ArgumentCaptor<CronTaskFire> fire = ArgumentCaptor.forClass(CronTaskFire.class);
    verify(activities).createTask(fire.capture());
    assertThat(fire.getValue().scheduledAtEpochSeconds()).isBetween(now, now + 5);
  }

  @Test
  void aFireWithoutItsOwnTaskEndsAtOnce() {
    for (FireResult result :
        new FireResult[] {
          FireResult.gone(), FireResult.rejected(), FireResult.duplicate("nightly-1", "t-0")
        }) {
      when(activities.createTask(any())).thenReturn(result);
      client
          .newWorkflowStub(
              CronTaskRunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(RUN_ID + "-" + result.state())
                  .setTaskQueue(QUEUE)
                  .build())
          .run(CRON, null);
    }
    verify(activities, never()).taskFinished(any(), anyString(), anyString());
    verify(activities, never()).pruneHistory(any());
  }

  @Test
  void aLostSignalIsMadeUpByTheDoublingRecheck() {
    when(activities.createTask(any())).thenReturn(FireResult.exists("nightly-1", "t-1"));
    List<Long> checks = new CopyOnWriteArrayList<>();
    long before = env.currentTimeMillis();
    when(activities.taskFinished(CRON, "nightly-1", "t-1"))
        .thenAnswer(
            i -> {
              checks.add(Duration.ofMillis(env.currentTimeMillis() - before).toMinutes());
              return checks.size() == 5;
            });
    stub().run(CRON, null);

    // Re-checks after 1, 2, 4 and 8 minutes, then every 16 (capped at 30).
    assertThat(checks).containsExactly(1L, 3L, 7L, 15L, 31L);
    verify(activities).pruneHistory(CRON);
  }

  @Test
  void aSpuriousSignalDoesNotEndTheRun() throws Exception {
    when(activities.createTask(any())).thenReturn(FireResult.created("nightly-1", "t-1"));
    CountDownLatch checked = new CountDownLatch(1);
    when(activities.taskFinished(CRON, "nightly-1", "t-1"))
        .thenAnswer(
            i -> {
              checked.countDown();
              return false;
            })
        .thenReturn(true);
    CronTaskRunWorkflow run = stub();
    WorkflowClient.start(run::run, CRON, null);
    verify(activities, timeout(5000)).createTask(any());
    run.taskFinished();
    assertThat(checked.await(5, TimeUnit.SECONDS)).isTrue();
    verify(activities, after(200).never()).pruneHistory(any());

    run.taskFinished();
    WorkflowStub.fromTyped(run).getResult(Void.class);
    verify(activities).pruneHistory(CRON);
  }

  @Test
  void cancellationStopsTheTaskInADetachedScope() {
    when(activities.createTask(any())).thenReturn(FireResult.created("nightly-1", "t-1"));
    CronTaskRunWorkflow run = stub();
    WorkflowClient.start(run::run, CRON, null);
    verify(activities, timeout(5000)).createTask(any());

    WorkflowStub untyped = WorkflowStub.fromTyped(run);
    untyped.cancel();
    assertThatThrownBy(() -> untyped.getResult(Void.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);

    ArgumentCaptor<CronTaskFire> fire = ArgumentCaptor.forClass(CronTaskFire.class);
    verify(activities).replaced(fire.capture());
    assertThat(fire.getValue().cronTask()).isEqualTo(CRON);
    assertThat(fire.getValue().runWorkflowId()).isEqualTo(RUN_ID);
    verify(activities, never()).pruneHistory(any());
  }

  @Test
  void cancellationDuringCreationStillStopsTheTaskItCreated() throws Exception {
    CountDownLatch creating = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    when(activities.createTask(any()))
        .thenAnswer(
            i -> {
              creating.countDown();
              release.await(10, TimeUnit.SECONDS);
              return FireResult.created("nightly-1", "t-1");
            });
    CronTaskRunWorkflow run = stub();
    WorkflowClient.start(run::run, CRON, null);
    assertThat(creating.await(5, TimeUnit.SECONDS)).isTrue();

    WorkflowStub untyped = WorkflowStub.fromTyped(run);
    untyped.cancel();
    verify(activities, after(300).never()).replaced(any());
    release.countDown();
    assertThatThrownBy(() -> untyped.getResult(Void.class))
        .isInstanceOf(WorkflowFailedException.class);
    long seconds = fireSeconds();
    verify(activities).replaced(eq(new CronTaskFire(CRON, seconds, RUN_ID)));
  }

  private long fireSeconds() {
    ArgumentCaptor<CronTaskFire> fire = ArgumentCaptor.forClass(CronTaskFire.class);
    verify(activities).createTask(fire.capture());
    return fire.getValue().scheduledAtEpochSeconds();
  }

  @Test
  void aScheduleStartsTheRunWithItsOneArgument() {
    when(activities.createTask(any())).thenReturn(FireResult.gone());
    WorkflowStub untyped =
        client.newUntypedWorkflowStub(
            CronTaskRunWorkflow.TYPE,
            WorkflowOptions.newBuilder().setWorkflowId(RUN_ID).setTaskQueue(QUEUE).build());
    untyped.start(CRON);
    untyped.getResult(Void.class);

    ArgumentCaptor<CronTaskFire> fire = ArgumentCaptor.forClass(CronTaskFire.class);
    verify(activities).createTask(fire.capture());
    assertThat(fire.getValue().cronTask()).isEqualTo(CRON);
  }

  @Test
  void aTaskThatRunsForDaysKeepsEachRunsHistoryBounded() throws Exception {
    when(activities.createTask(any())).thenReturn(FireResult.created("nightly-1", "t-1"));
    long start = env.currentTimeMillis();
    Duration days = Duration.ofDays(7);
    when(activities.taskFinished(CRON, "nightly-1", "t-1"))
        .thenAnswer(i -> env.currentTimeMillis() - start >= days.toMillis());

    stub().run(CRON, null);

    // One fire, one Task: the continued runs wait for the same Task and create nothing.
    verify(activities).createTask(any());
    verify(activities).pruneHistory(CRON);
    List<Integer> runs = RecordedHistories.runLengths(client, RUN_ID);
    System.err.println(
        "CronTask run waiting "
            + days.toDays()
            + " days for its Task: history events per run "
            + runs
            + ", "
            + runs.stream().mapToInt(Integer::intValue).sum()
            + " in all");
    assertThat(runs).hasSizeGreaterThan(1);
    assertThat(runs)
        .allMatch(events -> events <= CronTaskRunWorkflowImpl.HISTORY_BOUND + 20, "bounded");
    RecordedHistories.recordIfAsked(client, RUN_ID, "crontask-run-continued");
  }
}
