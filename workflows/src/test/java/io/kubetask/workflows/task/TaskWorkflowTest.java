package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.crontask.CronTaskRunContinuation;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.support.RecordedHistories;
import io.kubetask.workflows.support.Waits;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The Task workflow on Temporal's in-memory test server with time skipping, its activities mocked.
 * Virtual time is read inside activity answers (while the workflow runs) and only lower bounds are
 * asserted on it, because the test server's clock may jump once nothing is pending.
 */
@Timeout(60)
class TaskWorkflowTest {
  static final String QUEUE = "kubetask-test";
  static final TaskRef TASK =
      new TaskRef("team-a", "fix-bug", "3f2a9c1e-7b4d-4e8a-9c0d-1e2f3a4b5c6d");
  static final String JOB = "fix-bug-3f2a9c1e";

  /** The Agent the Task names: its workflow starts with it as a search attribute. */
  static final String AGENT = "coder";

  static final Duration DEFAULT_TTL = Duration.ofSeconds(604800);
  static final Outcome OK = Outcome.succeeded("Completed", "The agent finished successfully.");
  static final Outcome EXIT_3 = Outcome.failed("Failed", "The agent exited with code 3 (Error).");
  private static final long WAIT_MS = 10_000;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private TaskActivities activities;

  /** A CronTask run workflow that waits for its Task's signal. */
  public static class RecordingCronTaskRun implements CronTaskRunWorkflow {
    private boolean finished;

    @Override
    public void run(CronTaskRef cronTask, CronTaskRunContinuation continued) {
      Workflow.await(() -> finished);
    }

    @Override
    public void taskFinished() {
      finished = true;
    }
  }

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    env.registerSearchAttribute(
        SearchAttributes.AGENT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(TaskWorkflowImpl.class, RecordingCronTaskRun.class);
    activities = mock(TaskActivities.class, withSettings().withoutAnnotations());
    worker.registerActivitiesImplementations(activities);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private TaskWorkflow start() {
    TaskWorkflow wf = client.newWorkflowStub(TaskWorkflow.class, options());
    WorkflowClient.start(wf::run, TASK);
    return wf;
  }

  /** As the operator starts a Task's workflow: with the Agent the Task names. */
  private static WorkflowOptions options() {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(TASK.workflowId())
        .setTaskQueue(QUEUE)
        .setTypedSearchAttributes(
            io.temporal.common.SearchAttributes.newBuilder()
                .set(SearchAttributes.AGENT, AGENT)
                .build())
        .build();
  }

  private static void awaitEnd(TaskWorkflow wf) throws Exception {
    WorkflowStub.fromTyped(wf).getResult(WAIT_MS, TimeUnit.MILLISECONDS, Void.class);
  }

  /** finish answers with an expiry {@code ttl} after the (virtual) time it runs at. */
  private AtomicLong finishExpiresAfter(Duration ttl) {
    AtomicLong deadline = new AtomicLong(-1);
    when(activities.finish(any(), any()))
        .thenAnswer(
            inv -> {
              deadline.set(env.currentTimeMillis() + ttl.toMillis());
              return Expiry.at(deadline.get());
            });
    return deadline;
  }

  /** deleteTask records the (virtual) time it ran at. */
  private AtomicLong recordDeleteTime() {
    AtomicLong at = new AtomicLong(-1);
    doAnswer(
            inv -> {
              at.set(env.currentTimeMillis());
              return null;
            })
        .when(activities)
        .deleteTask(any());
    return at;
  }

  /**
   * observeJob answers {@code before}, then a finished Job whose look finished the Task, expiring
   * {@code ttl} after the (virtual) time it runs at, as the activity does when asked to finish.
   */
  private AtomicLong observeFinishesAfter(Duration ttl, JobObservation... before) {
    AtomicLong deadline = new AtomicLong(-1);
    var stub = when(activities.observeJob(TASK, JOB, false, true));
    for (JobObservation seen : before) {
      stub = stub.thenReturn(seen);
    }
    stub.thenAnswer(
        inv -> {
          deadline.set(env.currentTimeMillis() + ttl.toMillis());
          return JobObservation.finished(OK).withTaskFinished(Expiry.at(deadline.get()));
        });
    return deadline;
  }

  @Test
  void happyPathRunsStartAndTheLookThatFinishesThenDeletesAfterTheDefaultTtl() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    AtomicLong deadline = observeFinishesAfter(DEFAULT_TTL, JobObservation.running());
    AtomicLong deletedAt = recordDeleteTime();

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, false, true);
    wf.jobChanged();
    verify(activities, timeout(WAIT_MS).times(2)).observeJob(TASK, JOB, false, true);

    env.sleep(DEFAULT_TTL.minusMinutes(1));
    verify(activities, never()).deleteTask(any());
    env.sleep(Duration.ofMinutes(2));
    verify(activities, timeout(WAIT_MS)).deleteTask(TASK);
    awaitEnd(wf);

    assertThat(deletedAt.get()).isGreaterThanOrEqualTo(deadline.get());
    InOrder order = inOrder(activities);
    order.verify(activities).start(TASK, AGENT);
    order.verify(activities, times(2)).observeJob(TASK, JOB, false, true);
    order.verify(activities).deleteTask(TASK);
    verifyNoMoreInteractions(activities);
  }

  @Test
  void aFinishedLookThatDidNotFinishTheTaskLeavesItToTheFinishActivity() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    awaitEnd(wf);

    InOrder order = inOrder(activities);
    order.verify(activities).observeJob(TASK, JOB, false, true);
    order.verify(activities).finish(TASK, OK);
  }

  @Test
  void aConfigChangeWhileTheTaskRunsIsNotTakenForOneAfterItFinished() throws Exception {
    // The look that finishes the Task reads the TTL itself: a change signalled before it is in.
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    observeFinishesAfter(DEFAULT_TTL, JobObservation.running());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, false, true);
    wf.configChanged();
    wf.jobChanged();
    verify(activities, timeout(WAIT_MS).times(2)).observeJob(TASK, JOB, false, true);
    env.sleep(DEFAULT_TTL.plusMinutes(1));
    verify(activities, timeout(WAIT_MS)).deleteTask(TASK);
    awaitEnd(wf);

    verify(activities, never()).refreshExpiry(any());
    verify(activities, never()).finish(any(), any());
  }

  @Test
  void aJobCreatedJustNowIsFirstLookedAtWhenTheOperatorSignals() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.created(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    // Virtual time stands still until awaitEnd, so the one-minute re-check cannot fire here.
    verify(activities, after(500).never()).observeJob(any(), any(), anyBoolean(), anyBoolean());
    wf.jobChanged();
    awaitEnd(wf);

    InOrder order = inOrder(activities);
    order.verify(activities).start(TASK, AGENT);
    order.verify(activities).observeJob(TASK, JOB, false, true);
    order.verify(activities).finish(TASK, OK);
    verifyNoMoreInteractions(activities);
  }

  @Test
  void withoutASignalAJobCreatedJustNowIsFirstLookedAtByTheRecheck() throws Exception {
    AtomicLong startedAt = new AtomicLong(-1);
    AtomicLong lookedAt = new AtomicLong(-1);
    when(activities.start(TASK, AGENT))
        .thenAnswer(
            inv -> {
              startedAt.set(env.currentTimeMillis());
              return StartResult.created(JOB, 0, null);
            });
    when(activities.observeJob(TASK, JOB, false, true))
        .thenAnswer(
            inv -> {
              lookedAt.set(env.currentTimeMillis());
              return JobObservation.finished(OK);
            });
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    awaitEnd(start());

    verify(activities, times(1)).observeJob(TASK, JOB, false, true);
    assertThat(lookedAt.get() - startedAt.get())
        .isGreaterThanOrEqualTo(Waits.FIRST_RECHECK.toMillis());
  }

  @Test
  void aStopBeforeTheFirstLookDeletesTheJob() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.created(JOB, 0, null));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    wf.stop("Stopped");
    awaitEnd(wf);

    verify(activities).deleteJob(TASK, JOB);
    verify(activities, never()).observeJob(any(), any(), anyBoolean(), anyBoolean());
    verify(activities).finish(TASK, Outcome.failed("Stopped", "Stopped on request (Stopped)."));
  }

  @Test
  void failureOutcomeIsPassedToFinish() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(EXIT_3));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    awaitEnd(wf);

    verify(activities).finish(TASK, EXIT_3);
    verify(activities, never()).deleteTask(any());
  }

  @Test
  void invalidStartFinishesWithItsOutcome() throws Exception {
    Outcome tooLarge = Outcome.failed("ContextTooLarge", "too large");
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.invalid(tooLarge, null));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    awaitEnd(start());

    verify(activities).start(TASK, AGENT);
    verify(activities).finish(TASK, tooLarge);
    verifyNoMoreInteractions(activities);
  }

  @Test
  void blockedStartWaitsForDependenciesChanged() throws Exception {
    when(activities.start(TASK, AGENT))
        .thenReturn(StartResult.blocked(null), StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    wf.dependenciesChanged();
    verify(activities, timeout(WAIT_MS).times(2)).start(TASK, AGENT);
    awaitEnd(wf);

    InOrder order = inOrder(activities);
    order.verify(activities, times(2)).start(TASK, AGENT);
    order.verify(activities).observeJob(TASK, JOB, false, true);
    order.verify(activities).finish(TASK, OK);
    verifyNoMoreInteractions(activities);
  }

  @Test
  void blockedStartIsRecheckedOnATimerThatDoubles() throws Exception {
    when(activities.start(TASK, AGENT))
        .thenReturn(
            StartResult.blocked(null),
            StartResult.blocked(null),
            StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    env.sleep(Duration.ofSeconds(55));
    verify(activities, times(1)).start(TASK, AGENT);
    env.sleep(Duration.ofSeconds(10));
    verify(activities, timeout(WAIT_MS).times(2)).start(TASK, AGENT);
    // The next re-check comes after two minutes.
    env.sleep(Duration.ofSeconds(100));
    verify(activities, times(2)).start(TASK, AGENT);
    env.sleep(Duration.ofSeconds(30));
    verify(activities, timeout(WAIT_MS).times(3)).start(TASK, AGENT);
    awaitEnd(wf);
    verify(activities).finish(TASK, OK);
  }

  @Test
  void aTaskQueuedUnderAStartRateLooksAgainWhenItsTurnComes() throws Exception {
    when(activities.start(TASK, AGENT))
        .thenAnswer(
            call ->
                StartResult.queued(
                    null, java.time.Instant.ofEpochMilli(env.currentTimeMillis() + 20_000)))
        .thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    env.sleep(Duration.ofSeconds(15));
    verify(activities, times(1)).start(TASK, AGENT);
    // Its turn, well before the one-minute re-check.
    env.sleep(Duration.ofSeconds(10));
    verify(activities, timeout(WAIT_MS).times(2)).start(TASK, AGENT);
    awaitEnd(wf);
    verify(activities).finish(TASK, OK);
  }

  @Test
  void runningJobIsRecheckedWithoutAnySignal() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true))
        .thenReturn(
            JobObservation.running(), JobObservation.running(), JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, false, true);
    env.sleep(Duration.ofSeconds(55));
    verify(activities, times(1)).observeJob(TASK, JOB, false, true);
    env.sleep(Duration.ofSeconds(10));
    verify(activities, timeout(WAIT_MS).times(2)).observeJob(TASK, JOB, false, true);
    env.sleep(Duration.ofSeconds(100));
    verify(activities, times(2)).observeJob(TASK, JOB, false, true);
    env.sleep(Duration.ofSeconds(30));
    verify(activities, timeout(WAIT_MS).times(3)).observeJob(TASK, JOB, false, true);
    verify(activities, timeout(WAIT_MS)).finish(TASK, OK);
    awaitEnd(wf);
  }

  /** Records windowOpened's deadline and the (virtual) time it ran at: {closesAt, openedAt}. */
  private CompletableFuture<long[]> recordWindowOpened() {
    CompletableFuture<long[]> opened = new CompletableFuture<>();
    doAnswer(
            inv -> {
              opened.complete(new long[] {inv.getArgument(1), env.currentTimeMillis()});
              return null;
            })
        .when(activities)
        .windowOpened(any(), anyLong());
    return opened;
  }

  /** The window opened, then the pod was let go, then the Task finished with the outcome. */
  private void verifyWindowReleaseFinish(Outcome outcome) {
    InOrder order = inOrder(activities);
    order.verify(activities).windowOpened(any(), anyLong());
    order.verify(activities).releasePod(TASK, JOB);
    order.verify(activities).finish(TASK, outcome);
  }

  @Test
  void keepAliveWindowOpensAndAReleaseLetsThePodGo() throws Exception {
    int keepAlive = 1800;
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, keepAlive, null));
    when(activities.observeJob(TASK, JOB, true, true))
        .thenReturn(
            JobObservation.running(),
            JobObservation.agentDone(),
            JobObservation.agentDone(),
            JobObservation.finished(OK));
    CompletableFuture<long[]> opened = recordWindowOpened();
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, true, true);
    long signalledAt = env.currentTimeMillis();
    wf.jobChanged();
    long closesAt = opened.get(WAIT_MS, TimeUnit.MILLISECONDS)[0];
    long openedAt = opened.get()[1];
    // closesAt = the workflow's time when it saw the agent done + keepAliveSeconds.
    assertThat(closesAt)
        .isGreaterThanOrEqualTo(signalledAt + keepAlive * 1000L)
        .isLessThanOrEqualTo(openedAt + keepAlive * 1000L);
    verify(activities, never()).releasePod(any(), anyString());

    wf.release();
    verify(activities, timeout(WAIT_MS)).releasePod(TASK, JOB);
    wf.jobChanged();
    // Waiting for the result lets the test server skip time, should the signal have come before
    // the workflow's last look at the Job: the one-minute re-check then finds it finished.
    awaitEnd(wf);
    verify(activities).finish(TASK, OK);

    verify(activities).windowOpened(TASK, closesAt);
    // The release may reach the workflow in the same workflow task as windowOpened's result, so
    // the workflow may or may not look at the Job once more before it lets the pod go.
    String calls = String.join(" ", calls());
    assertThat(calls)
        .matches(
            "start observeJob observeJob windowOpened (observeJob )?releasePod (observeJob )+finish");
  }

  /** The activities called so far, in order. */
  private List<String> calls() {
    return org.mockito.Mockito.mockingDetails(activities).getInvocations().stream()
        .map(i -> i.getMethod().getName())
        .toList();
  }

  @Test
  void releaseBeforeTheWindowOpensLetsThePodGoAsSoonAsItOpens() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 3600, null));
    when(activities.observeJob(TASK, JOB, true, true))
        .thenReturn(
            JobObservation.running(), JobObservation.agentDone(), JobObservation.finished(OK));
    recordWindowOpened();
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, true, true);
    wf.release();
    wf.jobChanged();
    verify(activities, timeout(WAIT_MS)).releasePod(TASK, JOB);
    wf.jobChanged();
    awaitEnd(wf);

    verifyWindowReleaseFinish(OK);
  }

  /**
   * A workflow started again after Temporal lost its state finds the window open: it closes when
   * the agent's end says, not keepAliveSeconds after the new workflow looked.
   */
  @Test
  void theWindowClosesKeepAliveSecondsAfterTheAgentEnded() throws Exception {
    int keepAlive = 600;
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, keepAlive, null));
    AtomicLong agentDone = new AtomicLong(-1);
    AtomicLong released = new AtomicLong(-1);
    when(activities.observeJob(TASK, JOB, true, true))
        .thenAnswer(
            inv -> {
              if (released.get() >= 0) {
                return JobObservation.finished(OK);
              }
              agentDone.compareAndSet(
                  -1, env.currentTimeMillis() - Duration.ofSeconds(100).toMillis());
              return JobObservation.agentDone(agentDone.get());
            });
    CompletableFuture<long[]> opened = recordWindowOpened();
    doAnswer(
            inv -> {
              released.set(env.currentTimeMillis());
              return null;
            })
        .when(activities)
        .releasePod(any(), anyString());
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    long closesAt = opened.get(WAIT_MS, TimeUnit.MILLISECONDS)[0];
    assertThat(closesAt).isEqualTo(agentDone.get() + keepAlive * 1000L);
    env.sleep(Duration.ofSeconds(keepAlive - 100 - 10));
    verify(activities, never()).releasePod(any(), anyString());
    env.sleep(Duration.ofSeconds(20));
    verify(activities, timeout(WAIT_MS)).releasePod(TASK, JOB);
    awaitEnd(wf);
    assertThat(released.get()).isGreaterThanOrEqualTo(closesAt);
  }

  @Test
  void aWindowThatClosedWhileNobodyLookedLetsThePodGoAtOnce() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 60, null));
    AtomicLong released = new AtomicLong(-1);
    when(activities.observeJob(TASK, JOB, true, true))
        .thenAnswer(
            inv ->
                released.get() >= 0
                    ? JobObservation.finished(OK)
                    : JobObservation.agentDone(
                        env.currentTimeMillis() - Duration.ofHours(1).toMillis()));
    recordWindowOpened();
    doAnswer(
            inv -> {
              released.set(env.currentTimeMillis());
              return null;
            })
        .when(activities)
        .releasePod(any(), anyString());
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).releasePod(TASK, JOB);
    wf.jobChanged();
    awaitEnd(wf);

    verifyWindowReleaseFinish(OK);
  }

  @Test
  void keepAliveWindowExpiresWithoutRelease() throws Exception {
    int keepAlive = 600;
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, keepAlive, null));
    AtomicLong released = new AtomicLong(-1);
    when(activities.observeJob(TASK, JOB, true, true))
        .thenAnswer(
            inv ->
                released.get() >= 0 ? JobObservation.finished(EXIT_3) : JobObservation.agentDone());
    CompletableFuture<long[]> opened = recordWindowOpened();
    doAnswer(
            inv -> {
              released.set(env.currentTimeMillis());
              return null;
            })
        .when(activities)
        .releasePod(any(), anyString());
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    long closesAt = opened.get(WAIT_MS, TimeUnit.MILLISECONDS)[0];
    env.sleep(Duration.ofMillis(closesAt - env.currentTimeMillis()).minusSeconds(5));
    verify(activities, never()).releasePod(any(), anyString());
    env.sleep(Duration.ofSeconds(10));
    verify(activities, timeout(WAIT_MS)).releasePod(TASK, JOB);

    // The pod ends on its own now; the next re-check sees the Job finished.
    awaitEnd(wf);
    assertThat(released.get()).isGreaterThanOrEqualTo(closesAt);
    verify(activities).finish(TASK, EXIT_3);
    verify(activities, times(1)).releasePod(TASK, JOB);
    verify(activities, times(1)).windowOpened(any(), anyLong());
  }

  @Test
  void stopWhileRunningDeletesTheJobAndFailsTheTask() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.running());
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, false, true);
    wf.stop("Replaced");
    awaitEnd(wf);

    InOrder order = inOrder(activities);
    order.verify(activities).start(TASK, AGENT);
    order.verify(activities).observeJob(TASK, JOB, false, true);
    order.verify(activities).deleteJob(TASK, JOB);
    order
        .verify(activities)
        .finish(
            TASK,
            Outcome.failed(
                "Replaced",
                "Stopped: its CronTask started a newer Task (concurrencyPolicy Replace)."));
    verifyNoMoreInteractions(activities);
  }

  @Test
  void stopWithAnyOtherReasonKeepsIt() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.running());
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, false, true);
    wf.stop("OperatorRequest");
    wf.stop("Second");
    awaitEnd(wf);

    // The second signal may arrive while the workflow task that stops the Task completes: the
    // task then runs again, and its local activities with it (they are idempotent).
    verify(activities, atLeastOnce()).deleteJob(TASK, JOB);
    ArgumentCaptor<Outcome> outcomes = ArgumentCaptor.forClass(Outcome.class);
    verify(activities, atLeastOnce()).finish(eq(TASK), outcomes.capture());
    assertThat(outcomes.getAllValues())
        .containsOnly(Outcome.failed("OperatorRequest", "Stopped on request (OperatorRequest)."));
  }

  @Test
  void anAgentThatNeverStartsIsStoppedAtItsStartDeadline() throws Exception {
    Outcome timedOut =
        Outcome.failed("StartTimeout", "The agent did not start within 5m: Unschedulable.");
    AtomicLong startedAt = new AtomicLong();
    AtomicLong deletedAt = new AtomicLong(-1);
    when(activities.start(TASK, AGENT))
        .thenAnswer(
            inv -> {
              startedAt.set(env.currentTimeMillis());
              return StartResult.adopted(JOB, 0, null);
            });
    // The deadline comes from the Job: five minutes after its creation (here: the start).
    when(activities.observeJob(TASK, JOB, false, true))
        .thenAnswer(
            inv ->
                JobObservation.running(
                    new JobObservation.Deadline(startedAt.get() + 300_000, timedOut)));
    doAnswer(
            inv -> {
              deletedAt.set(env.currentTimeMillis());
              return null;
            })
        .when(activities)
        .deleteJob(TASK, JOB);
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    awaitEnd(wf);

    InOrder order = inOrder(activities);
    order.verify(activities).start(TASK, AGENT);
    // Looked at once, then at the re-checks after 1 and 3 minutes, then at the deadline.
    order.verify(activities, times(4)).observeJob(TASK, JOB, false, true);
    order.verify(activities).deleteJob(TASK, JOB);
    order.verify(activities).finish(TASK, timedOut);
    verifyNoMoreInteractions(activities);
    // At the deadline itself, not at the next re-check (7 minutes).
    assertThat(deletedAt.get() - startedAt.get()).isBetween(300_000L, 300_000L + 5_000);
  }

  @Test
  void aDeadlineIsLookedAtAgainBeforeItStopsTheAgent() throws Exception {
    // The agent started while the workflow waited: the next look has no start deadline any more.
    Outcome timedOut = Outcome.failed("StartTimeout", "did not start");
    AtomicLong startedAt = new AtomicLong();
    when(activities.start(TASK, AGENT))
        .thenAnswer(
            inv -> {
              startedAt.set(env.currentTimeMillis());
              return StartResult.adopted(JOB, 0, null);
            });
    when(activities.observeJob(TASK, JOB, false, true))
        .thenAnswer(
            inv ->
                JobObservation.running(
                    new JobObservation.Deadline(startedAt.get() + 30_000, timedOut)))
        .thenReturn(JobObservation.running())
        .thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, false, true);
    env.sleep(Duration.ofSeconds(40)); // past the deadline: its timer wakes the workflow
    verify(activities, timeout(WAIT_MS).times(2)).observeJob(TASK, JOB, false, true);
    wf.jobChanged();
    awaitEnd(wf);

    verify(activities, never()).deleteJob(any(), anyString());
    verify(activities).finish(TASK, OK);
  }

  @Test
  void anAgentPastItsRunDeadlineIsStoppedButNotWhileItsWindowIsOpen() throws Exception {
    Outcome tooLong = Outcome.failed("DeadlineExceeded", "ran too long");
    AtomicLong startedAt = new AtomicLong();
    when(activities.start(TASK, AGENT))
        .thenAnswer(
            inv -> {
              startedAt.set(env.currentTimeMillis());
              return StartResult.adopted(JOB, 600, null);
            });
    // Running with a run deadline, then the agent ends and the window opens: no deadline then.
    when(activities.observeJob(TASK, JOB, true, true))
        .thenAnswer(
            inv ->
                JobObservation.running(
                    new JobObservation.Deadline(startedAt.get() + 120_000, tooLong)))
        .thenAnswer(inv -> JobObservation.agentDone(startedAt.get() + 60_000))
        .thenAnswer(inv -> JobObservation.agentDone(startedAt.get() + 60_000))
        .thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).observeJob(TASK, JOB, true, true);
    wf.jobChanged();
    verify(activities, timeout(WAIT_MS)).windowOpened(eq(TASK), anyLong());
    wf.release();
    verify(activities, timeout(WAIT_MS)).releasePod(TASK, JOB);
    wf.jobChanged();
    awaitEnd(wf);

    verify(activities, never()).deleteJob(any(), anyString());
    verify(activities).finish(TASK, OK);
  }

  @Test
  void aTaskBlockedForDaysContinuesAsNewWithABoundedHistoryAndTheSameOutcome() throws Exception {
    // Blocked until the re-checks have run for about four days, then its Agent appears.
    AtomicLong starts = new AtomicLong();
    when(activities.start(TASK, AGENT))
        .thenAnswer(
            inv ->
                starts.incrementAndGet() < 200
                    ? StartResult.blocked(null)
                    : StartResult.created(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = client.newWorkflowStub(TaskWorkflow.class, options());
    String firstRun = WorkflowClient.start(wf::run, TASK).getRunId();
    WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, Void.class);

    WorkflowExecutionHistory first = client.fetchHistory(TASK.workflowId(), firstRun);
    assertThat(first.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(first.getEvents().size())
        .isGreaterThan(TaskWorkflowImpl.HISTORY_BOUND)
        .isLessThan(TaskWorkflowImpl.HISTORY_BOUND + 20);
    WorkflowExecutionHistory last = client.fetchHistory(TASK.workflowId());
    assertThat(last.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(last.getEvents().size()).isLessThan(TaskWorkflowImpl.HISTORY_BOUND + 20);
    System.err.println(
        "A Task blocked for 200 re-checks: runs of "
            + first.getEvents().size()
            + " ... "
            + last.getEvents().size()
            + " history events");
    // The same outcome as without continuing: it started once and finished once, as Completed.
    verify(activities, times(200)).start(TASK, AGENT);
    verify(activities).finish(TASK, OK);
    RecordedHistories.recordIfAsked(client, TASK.workflowId(), "task-blocked-continued");
  }

  @ParameterizedTest(name = "{0} hours")
  @ValueSource(ints = {24, 72})
  void aTaskRunningForDaysKeepsEachRunsHistoryBounded(int hours) throws Exception {
    // The first start creates the Job; a continued run finds it (adopts it) and looks at once.
    when(activities.start(TASK, AGENT))
        .thenReturn(StartResult.created(JOB, 0, null), StartResult.adopted(JOB, 0, null));
    long begin = env.currentTimeMillis();
    when(activities.observeJob(TASK, JOB, false, true))
        .thenAnswer(
            inv ->
                env.currentTimeMillis() - begin < Duration.ofHours(hours).toMillis()
                    ? JobObservation.running()
                    : JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    awaitEnd(start());

    List<Integer> runs = RecordedHistories.runLengths(client, TASK.workflowId());
    if (runs.size() > 1) {
      RecordedHistories.recordIfAsked(client, TASK.workflowId(), "task-running-continued");
    }
    System.err.println(
        "A Task running "
            + hours
            + " hours: history events per run "
            + runs
            + ", "
            + runs.stream().mapToInt(Integer::intValue).sum()
            + " in all");
    assertThat(runs).allMatch(events -> events < TaskWorkflowImpl.HISTORY_BOUND + 20, "bounded");
    verify(activities).finish(TASK, OK);
  }

  @Test
  void aTaskWaitingForItsTtlUnderConfigChurnContinuesAsNewAndIsDeletedOnTime() throws Exception {
    // Finished; a KubeTaskConfig edited 150 times during its 30-day TTL, never moving it.
    when(activities.start(TASK, AGENT))
        .thenReturn(StartResult.adopted(JOB, 0, null), StartResult.finished(null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    AtomicLong deadline = finishExpiresAfter(Duration.ofDays(30));
    when(activities.refreshExpiry(TASK)).thenAnswer(inv -> Expiry.at(deadline.get()));
    AtomicLong deletedAt = recordDeleteTime();

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).finish(TASK, OK);
    for (int i = 1; i <= 150; i++) {
      env.sleep(Duration.ofHours(1));
      client.newWorkflowStub(TaskWorkflow.class, TASK.workflowId()).configChanged();
    }
    env.sleep(Duration.ofDays(30));
    verify(activities, timeout(WAIT_MS)).deleteTask(TASK);
    WorkflowStub.fromTyped(client.newWorkflowStub(TaskWorkflow.class, TASK.workflowId()))
        .getResult(WAIT_MS, TimeUnit.MILLISECONDS, Void.class);

    List<Integer> runs = RecordedHistories.runLengths(client, TASK.workflowId());
    System.err.println("A Task waiting for its TTL under config churn: events per run " + runs);
    assertThat(runs).hasSizeGreaterThan(1);
    assertThat(runs).allMatch(events -> events < TaskWorkflowImpl.HISTORY_BOUND + 20, "bounded");
    // The same outcome: finished once, deleted once, at its deadline.
    verify(activities).finish(TASK, OK);
    verify(activities).deleteTask(TASK);
    assertThat(deletedAt.get()).isGreaterThanOrEqualTo(deadline.get());
    RecordedHistories.recordIfAsked(client, TASK.workflowId(), "task-ttl-continued");
  }

  @Test
  void stopWhileBlockedFinishesWithoutAJob() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.blocked(null));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    wf.stop("");
    awaitEnd(wf);

    verify(activities).finish(TASK, Outcome.failed("Stopped", "Stopped on request (Stopped)."));
    verify(activities, never()).deleteJob(any(), anyString());
    verify(activities, never()).observeJob(any(), anyString(), anyBoolean(), anyBoolean());
  }

  @Test
  void disabledTtlEndsTheWorkflowWithoutDeletingTheTask() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    awaitEnd(start());

    verify(activities).finish(TASK, OK);
    verify(activities, never()).deleteTask(any());
    verify(activities, never()).refreshExpiry(any());
  }

  @Test
  void goneTaskAtFinishEndsTheWorkflow() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.gone());

    awaitEnd(start());

    verify(activities, never()).deleteTask(any());
  }

  @Test
  void configChangedDuringTheTtlWaitMovesTheDeadline() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    AtomicLong firstDeadline = finishExpiresAfter(DEFAULT_TTL);
    AtomicLong newDeadline = new AtomicLong(-1);
    when(activities.refreshExpiry(TASK))
        .thenAnswer(
            inv -> {
              // The new config says two days after completion; one day has passed.
              newDeadline.set(
                  firstDeadline.get() - DEFAULT_TTL.toMillis() + Duration.ofDays(2).toMillis());
              return Expiry.at(newDeadline.get());
            });
    AtomicLong deletedAt = recordDeleteTime();

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).finish(TASK, OK);
    env.sleep(Duration.ofDays(1));
    wf.configChanged();
    verify(activities, timeout(WAIT_MS)).refreshExpiry(TASK);
    env.sleep(Duration.ofDays(1).minusMinutes(5));
    verify(activities, never()).deleteTask(any());
    env.sleep(Duration.ofMinutes(10));
    verify(activities, timeout(WAIT_MS)).deleteTask(TASK);
    awaitEnd(wf);

    assertThat(deletedAt.get()).isGreaterThanOrEqualTo(newDeadline.get());
    // Well before the first deadline (lower bounds only: see the class comment).
    assertThat(newDeadline.get()).isLessThan(firstDeadline.get() - Duration.ofDays(4).toMillis());
  }

  /**
   * Lets the workflow take finish's result and start its TTL timer: virtual time does not move
   * while an activity or a workflow task is outstanding.
   */
  private void awaitTtlTimer() {
    env.sleep(Duration.ofMinutes(1));
  }

  @Test
  void configChangedCanPostponeTheDeadline() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    AtomicLong firstDeadline = finishExpiresAfter(Duration.ofHours(1));
    when(activities.refreshExpiry(TASK))
        .thenAnswer(inv -> Expiry.at(firstDeadline.get() + Duration.ofHours(2).toMillis()));

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).finish(TASK, OK);
    awaitTtlTimer();
    wf.configChanged();
    verify(activities, timeout(WAIT_MS)).refreshExpiry(TASK);
    env.sleep(Duration.ofMinutes(90));
    verify(activities, never()).deleteTask(any());
    env.sleep(Duration.ofHours(2));
    verify(activities, timeout(WAIT_MS)).deleteTask(TASK);
    awaitEnd(wf);
  }

  @Test
  void configChangedToDisabledEndsTheWorkflow() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    finishExpiresAfter(DEFAULT_TTL);
    when(activities.refreshExpiry(TASK)).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).finish(TASK, OK);
    awaitTtlTimer();
    wf.configChanged();
    awaitEnd(wf);

    verify(activities).refreshExpiry(TASK);
    verify(activities, never()).deleteTask(any());
  }

  /**
   * A KubeTaskConfig change that reaches the workflow while {@code finish} runs must not be lost:
   * finish may have read the old TTL, so the workflow clears the flag before finish, not after.
   */
  @Test
  void configChangedWhileFinishRunsIsNotLost() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any()))
        .thenAnswer(
            inv -> {
              client.newWorkflowStub(TaskWorkflow.class, TASK.workflowId()).configChanged();
              return Expiry.at(env.currentTimeMillis() + DEFAULT_TTL.toMillis());
            });
    when(activities.refreshExpiry(TASK)).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).refreshExpiry(TASK);
    awaitEnd(wf);
  }

  @Test
  void finishedStartSkipsToTheTtl() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.finished(null));
    AtomicLong deadline = new AtomicLong();
    when(activities.refreshExpiry(TASK))
        .thenAnswer(
            inv -> {
              deadline.set(env.currentTimeMillis() + Duration.ofHours(3).toMillis());
              return Expiry.at(deadline.get());
            });
    AtomicLong deletedAt = recordDeleteTime();

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).refreshExpiry(TASK);
    env.sleep(Duration.ofHours(2));
    verify(activities, never()).deleteTask(any());
    awaitEnd(wf);

    assertThat(deletedAt.get()).isGreaterThanOrEqualTo(deadline.get());
    InOrder order = inOrder(activities);
    order.verify(activities).start(TASK, AGENT);
    order.verify(activities).refreshExpiry(TASK);
    order.verify(activities).deleteTask(TASK);
    verifyNoMoreInteractions(activities);
  }

  @Test
  void goneTaskEndsWithNoOtherCalls() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.gone());

    awaitEnd(start());

    verify(activities).start(TASK, AGENT);
    verifyNoMoreInteractions(activities);
  }

  @Test
  void aWorkflowStartedWithoutTheAgentLeavesItToTheStartToFind() throws Exception {
    // Workflows started before the operator set the search attribute.
    when(activities.start(TASK, null)).thenReturn(StartResult.gone());
    TaskWorkflow wf =
        client.newWorkflowStub(
            TaskWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(TASK.workflowId())
                .setTaskQueue(QUEUE)
                .build());
    WorkflowClient.start(wf::run, TASK);

    awaitEnd(wf);

    verify(activities).start(TASK, null);
    verifyNoMoreInteractions(activities);
  }

  private WorkflowStub startCronTaskRun(String id) {
    CronTaskRunWorkflow run =
        client.newWorkflowStub(
            CronTaskRunWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
    WorkflowClient.start(run::run, new CronTaskRef("team-a", "nightly", "c-uid"), null);
    return WorkflowStub.fromTyped(run);
  }

  @Test
  void finishedTaskSignalsItsCronTaskRun() throws Exception {
    String runId = "crontask-run/team-a/nightly/1735689600";
    WorkflowStub run = startCronTaskRun(runId);
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.adopted(JOB, 0, runId));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    awaitEnd(start());

    // The run workflow only returns once it received taskFinished.
    run.getResult(WAIT_MS, TimeUnit.MILLISECONDS, Void.class);
    WorkflowExecutionHistory history = client.fetchHistory(runId);
    assertThat(history.getEvents())
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
                    .isEqualTo("taskFinished"));
  }

  @Test
  void reCreatedFinishedWorkflowSignalsItsCronTaskRunToo() throws Exception {
    String runId = "crontask-run/team-a/nightly/1735693200";
    WorkflowStub run = startCronTaskRun(runId);
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.finished(runId));
    when(activities.refreshExpiry(TASK)).thenReturn(Expiry.never());

    awaitEnd(start());

    run.getResult(WAIT_MS, TimeUnit.MILLISECONDS, Void.class);
  }

  @Test
  void missingCronTaskRunDoesNotFailTheTask() throws Exception {
    when(activities.start(TASK, AGENT))
        .thenReturn(StartResult.adopted(JOB, 0, "crontask-run/team-a/nightly/gone"));
    when(activities.observeJob(TASK, JOB, false, true)).thenReturn(JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    awaitEnd(start());

    verify(activities).finish(TASK, OK);
  }

  @Test
  void signalsWhileTheJobRunsLeaveTheRecheckTimerAlone() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.created(JOB, 0, null));
    when(activities.observeJob(TASK, JOB, false, true))
        .thenReturn(
            JobObservation.running(), JobObservation.running(), JobObservation.finished(OK));
    when(activities.finish(any(), any())).thenReturn(Expiry.never());

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    for (int look = 1; look <= 3; look++) {
      wf.jobChanged();
      verify(activities, timeout(WAIT_MS).times(look)).observeJob(TASK, JOB, false, true);
    }
    awaitEnd(wf);

    var types =
        client.fetchHistory(TASK.workflowId()).getEvents().stream()
            .map(HistoryEvent::getEventType)
            .toList();
    // One re-check timer for the whole run, cancelled when the Job finished.
    assertThat(types).filteredOn(EventType.EVENT_TYPE_TIMER_STARTED::equals).hasSize(1);
    assertThat(types).filteredOn(EventType.EVENT_TYPE_TIMER_CANCELED::equals).hasSize(1);
    assertThat(types).filteredOn(EventType.EVENT_TYPE_TIMER_FIRED::equals).isEmpty();
    RecordedHistories.recordIfAsked(client, TASK.workflowId(), "task-kept-recheck-timer");
  }

  /**
   * A Task whose Job runs one minute: start (which creates the Job), the operator's jobChanged, one
   * observation, finish, the 7-day TTL timer and the delete.
   */
  @Test
  void oneMinuteTaskUsesFewHistoryEvents() throws Exception {
    when(activities.start(TASK, AGENT)).thenReturn(StartResult.created(JOB, 0, null));
    observeFinishesAfter(DEFAULT_TTL);

    TaskWorkflow wf = start();
    verify(activities, timeout(WAIT_MS)).start(TASK, AGENT);
    env.sleep(Duration.ofSeconds(50));
    wf.jobChanged();
    awaitEnd(wf);
    verify(activities).deleteTask(TASK);

    WorkflowExecutionHistory history = client.fetchHistory(TASK.workflowId());
    int events = history.getEvents().size();
    System.out.println("History events of a one-minute Task's happy path: " + events);
    // 20 today: three workflow tasks (3 events each), the version marker, a marker for each of
    // the 3 local activities (start, the look that finishes, deleteTask), the re-check timer
    // (started, then cancelled by the signal), the signal, the TTL timer (started, fired), and the
    // start and end of the workflow.
    assertThat(events).isLessThanOrEqualTo(20);
    verify(activities, never()).finish(any(), any());
    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    // -Dhistory.record=true keeps this run's history, to be added (under a new name) to the
    // histories that the next change of the workflow must replay; recorded ones are never
    // overwritten.
    if (Boolean.getBoolean("history.record")) {
      Path file = Path.of("target/recorded-histories/task-happy-path.json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, history.toJson(true), StandardCharsets.UTF_8);
    }
  }
}
