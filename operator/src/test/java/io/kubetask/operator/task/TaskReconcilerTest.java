package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.JOB_UID;
import static io.kubetask.operator.task.TestTasks.NOW;
import static io.kubetask.operator.task.TestTasks.agentPod;
import static io.kubetask.operator.task.TestTasks.annotated;
import static io.kubetask.operator.task.TestTasks.condition;
import static io.kubetask.operator.task.TestTasks.config;
import static io.kubetask.operator.task.TestTasks.finished;
import static io.kubetask.operator.task.TestTasks.finishedJob;
import static io.kubetask.operator.task.TestTasks.job;
import static io.kubetask.operator.task.TestTasks.running;
import static io.kubetask.operator.task.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.operator.temporal.FinalizerDeadline;
import io.kubetask.workflows.task.AgentProgress;
import io.kubetask.workflows.task.TaskRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskReconcilerTest {
  private static final Duration RESYNC = Duration.ofMinutes(5);
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final FakeTaskWorkflowGateway gateway = new FakeTaskWorkflowGateway();
  private final List<String> warnings = new ArrayList<>();

  /** What the operator recorded of the agent's pod; the API server accepts while this is true. */
  private final List<String> recorded = new ArrayList<>();

  private boolean accepted = true;

  /** What was done with the finalizer, and what Temporal had been asked before. */
  private final List<String> finalizerCalls = new ArrayList<>();

  private final TaskReconciler.Finalizers finalizers =
      new TaskReconciler.Finalizers() {
        @Override
        public void add(Task task, Context<Task> context) {
          finalizerCalls.add("add after " + gateway.summary());
        }

        @Override
        public void remove(Task task, Context<Task> context) {
          finalizerCalls.add("remove after " + gateway.summary());
        }
      };

  private boolean record(Task task, AgentProgress progress) {
    recorded.add(progress.reason());
    return accepted;
  }

  private final TaskReconciler reconciler =
      new TaskReconciler(
          gateway,
          (task, reason, message) -> warnings.add(reason + ": " + message),
          this::record,
          finalizers,
          new FinalizerDeadline(BOUND, Clock.fixed(NOW, ZoneOffset.UTC)),
          RESYNC);

  /** The caches: these Jobs, with the agent running in the pod of {@link TestTasks#job()}. */
  private static Context<Task> context(Set<Job> jobs, KubeTaskConfig config) {
    return context(jobs, Set.of(agentPod()), Set.of(), config);
  }

  @SuppressWarnings("unchecked")
  private static Context<Task> context(
      Set<Job> jobs, Set<Pod> pods, Set<Event> events, KubeTaskConfig config) {
    Context<Task> context = mock(Context.class);
    when(context.getSecondaryResources(Job.class)).thenReturn(jobs);
    when(context.getSecondaryResources(Pod.class)).thenReturn(pods);
    when(context.getSecondaryResources(Event.class)).thenReturn(events);
    when(context.getSecondaryResource(KubeTaskConfig.class))
        .thenReturn(Optional.ofNullable(config));
    return context;
  }

  private static Context<Task> context() {
    return context(Set.of(), null);
  }

  @Test
  void startsTheWorkflowOfANewTaskWithItsSearchAttributes() {
    var task = task("review");
    task.getMetadata().getLabels().put(KubeTaskLabels.CRONTASK, "nightly");

    var control = reconciler.reconcile(task, context());

    assertThat(gateway.calls)
        .containsExactly(
            new FakeTaskWorkflowGateway.Call(
                "ensureStarted",
                new TaskWorkflowTarget(
                    new TaskRef("team-a", "review", "review-uid"), "claude", "nightly"),
                new TaskRef("team-a", "review", "review-uid"),
                null));
    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).contains(RESYNC.toMillis());
  }

  @Test
  void asksTemporalAgainOnlyAfterHalfTheResyncPeriod() {
    var now = new AtomicReference<>(NOW);
    var reconciler =
        new TaskReconciler(
            gateway,
            (t, r, m) -> {},
            this::record,
            finalizers,
            new FinalizerDeadline(BOUND, steppingClock(now)),
            RESYNC);
    var task = running(NOW.minusSeconds(600));

    reconciler.reconcile(task, context(Set.of(job()), null));
    now.set(NOW.plus(RESYNC.dividedBy(2)).minusSeconds(1));
    reconciler.reconcile(task, context(Set.of(job()), null));
    assertThat(gateway.summary()).containsExactly("ensureStarted");

    now.set(NOW.plus(RESYNC.dividedBy(2))); // what the periodic resync always finds
    reconciler.reconcile(task, context(Set.of(job()), null));
    assertThat(gateway.summary()).containsExactly("ensureStarted", "ensureStarted");
  }

  @Test
  void theSameNewsIsSignalledOnceUntilHalfTheResyncAndCountsAsAStart() {
    var now = new AtomicReference<>(NOW);
    var reconciler =
        new TaskReconciler(
            gateway,
            (t, r, m) -> {},
            this::record,
            finalizers,
            new FinalizerDeadline(BOUND, steppingClock(now)),
            RESYNC);
    var task = running(NOW.minusSeconds(600));

    // The finished Job changes again (completionTime, conditions) before the workflow has looked.
    reconciler.reconcile(task, context(Set.of(finishedJob("Complete")), null));
    reconciler.reconcile(task, context(Set.of(finishedJob("Complete")), null));
    reconciler.reconcile(task, context(Set.of(job()), null)); // confirmed by the signal
    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");

    // Still not shown half a resync later: told again, in case the workflow never looked.
    now.set(NOW.plus(RESYNC.dividedBy(2)));
    reconciler.reconcile(task, context(Set.of(finishedJob("Complete")), null));
    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED", "signal JOB_CHANGED");
  }

  /** The agent's pod as the scheduler leaves it when no node fits. */
  private static Pod unschedulablePod() {
    return new PodBuilder(agentPod())
        .withNewStatus()
        .withPhase("Pending")
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage("0/1 nodes are available.")
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void theOperatorRecordsWhatThePodDoesAndTellsTheWorkflowOnlyOfTrouble() {
    Pod pending =
        new PodBuilder(agentPod()).withNewStatus().withPhase("Pending").endStatus().build();
    Pod unschedulable = unschedulablePod();
    var task = running(NOW.minusSeconds(600));

    reconciler.reconcile(task, context(Set.of(job()), Set.of(pending), Set.of(), null));
    reconciler.reconcile(task, context(Set.of(job()), Set.of(pending), Set.of(), null));
    reconciler.reconcile(task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));
    reconciler.reconcile(task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));

    // Each news recorded once for this version of the Task; the trouble also wakes the workflow,
    // which holds the start deadline.
    assertThat(recorded).containsExactly("PodPending", "Unschedulable");
    assertThat(gateway.summary()).containsExactly("ensureStarted", "signal JOB_CHANGED");
  }

  @Test
  void newsForTheWorkflowIsRecordedOnlyOnceTheWorkflowWasTold() {
    var task = running(NOW.minusSeconds(600));
    Pod unschedulable = unschedulablePod();
    gateway.failure = new IllegalStateException("UNAVAILABLE");

    assertThatThrownBy(
            () ->
                reconciler.reconcile(
                    task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(recorded).isEmpty(); // the retry must still find it news, and tell the workflow

    gateway.failure = null;
    reconciler.reconcile(task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));

    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");
    assertThat(recorded).containsExactly("Unschedulable");
  }

  @Test
  void whatThePodDoesIsRecordedWhileTemporalIsDown() {
    var task = jobJustCreated();
    reconciler.reconcile(task, context(Set.of(job()), Set.of(), Set.of(), null)); // confirmed
    gateway.failure = new IllegalStateException("UNAVAILABLE");

    reconciler.reconcile(task, context(Set.of(job()), Set.of(agentPod()), Set.of(), null));

    assertThat(recorded).containsExactly("Running");
  }

  @Test
  void newsTheApiServerRefusedIsRecordedAgain() {
    var task = running(NOW.minusSeconds(600));
    Pod unschedulable = unschedulablePod();
    accepted = false; // the Task changed meanwhile

    reconciler.reconcile(task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));
    accepted = true;
    reconciler.reconcile(task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));
    reconciler.reconcile(task, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));

    assertThat(recorded).containsExactly("Unschedulable", "Unschedulable");
  }

  @Test
  void aTemporalErrorLeavesTheWorkflowUnconfirmed() {
    var task = running(NOW.minusSeconds(600));
    gateway.failure = new IllegalStateException("UNAVAILABLE");
    assertThatThrownBy(() -> reconciler.reconcile(task, context(Set.of(job()), null)))
        .isInstanceOf(IllegalStateException.class);

    gateway.failure = null;
    reconciler.reconcile(task, context(Set.of(job()), null));

    assertThat(gateway.summary()).containsExactly("ensureStarted");
  }

  @Test
  void aDeletedTaskWaitsForAnUnreachableTemporalUpToItsBoundThenGoes() {
    var task = running(NOW.minusSeconds(600));
    gateway.failure = new IllegalStateException("DEADLINE_EXCEEDED");
    task.getMetadata().setDeletionTimestamp(NOW.minusSeconds(30).toString());

    var early = reconciler.cleanup(task, context());
    task.getMetadata().setDeletionTimestamp(NOW.minusSeconds(61).toString());
    var late = reconciler.cleanup(task, context());

    assertThat(early.isRemoveFinalizer()).isFalse();
    assertThat(early.getScheduleDelay()).contains(5_000L);
    assertThat(late.isRemoveFinalizer()).isTrue();
    assertThat(warnings)
        .containsExactly(
            "TemporalUnreachable: Could not terminate workflow task/team-a/t/t-uid within 60s of the"
                + " deletion (DEADLINE_EXCEEDED); deleted without it: the workflow ends by itself"
                + " when it next finds its Task gone.");
  }

  @Test
  void aDeletedTaskIsForgotten() {
    var task = task("t");
    reconciler.reconcile(task, context());
    reconciler.cleanup(task, context());

    reconciler.reconcile(task, context()); // nothing of the deleted Task is remembered

    assertThat(gateway.summary()).containsExactly("ensureStarted", "terminate", "ensureStarted");
  }

  /** A clock that moves only when told. */
  private static Clock steppingClock(AtomicReference<Instant> now) {
    Clock clock = mock(Clock.class, CALLS_REAL_METHODS);
    doAnswer(inv -> now.get()).when(clock).instant();
    return clock;
  }

  @Test
  void theDefaultAgentNamesTheWorkflow() {
    var task =
        new Task("team-a", "t", new io.kubetask.api.v1alpha1.TaskSpec(java.util.List.of(), null));

    reconciler.reconcile(task, context());

    assertThat(gateway.calls.get(0).target().agent()).isEqualTo("default");
    assertThat(gateway.calls.get(0).target().cronTask()).isNull();
  }

  @Test
  void signalsAFinishedJob() {
    reconciler.reconcile(
        running(NOW.minusSeconds(600)), context(Set.of(finishedJob("Failed")), null));

    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");
  }

  @Test
  void findsTheJobNamedInTheStatus() {
    var stale =
        new JobBuilder(finishedJob("Complete"))
            .withMetadata(new ObjectMetaBuilder().withName("other").build())
            .build();

    reconciler.reconcile(running(NOW.minusSeconds(600)), context(Set.of(stale, job()), null));

    assertThat(gateway.summary()).containsExactly("ensureStarted");
  }

  @Test
  void signalsWhenThePodIsInTroubleTheTaskDoesNotSayYet() {
    Pod unschedulable = unschedulablePod();
    var says =
        running(
            NOW.minusSeconds(600),
            new ConditionBuilder()
                .withType("Succeeded")
                .withStatus("Unknown")
                .withReason("Unschedulable")
                .withMessage("0/1 nodes are available.")
                .build());

    reconciler.reconcile(
        running(NOW.minusSeconds(600)),
        context(Set.of(job()), Set.of(unschedulable), Set.of(), null));
    reconciler.reconcile(says, context(Set.of(job()), Set.of(unschedulable), Set.of(), null));

    // Once for the news; the Task that says it already gets nothing more (and the workflow was
    // confirmed by the signal).
    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");
    assertThat(recorded).containsExactly("Unschedulable");
  }

  /** A Task whose Job was just created, as the worker leaves it. */
  private static Task jobJustCreated() {
    return running(
        NOW.minusSeconds(600),
        new ConditionBuilder()
            .withType("Succeeded")
            .withStatus("Unknown")
            .withReason("PodPending")
            .withMessage("Waiting for Job t-12345678 to create the agent's pod.")
            .build());
  }

  @Test
  void theNormalWayToARunningAgentIsRecordedWithoutWakingTheWorkflow() {
    Pod created =
        new PodBuilder(agentPod()).withNewStatus().withPhase("Pending").endStatus().build();
    Pod creating =
        new PodBuilder(agentPod())
            .withNewStatus()
            .withPhase("Pending")
            .addNewContainerStatus()
            .withName("agent")
            .withNewState()
            .withNewWaiting()
            .withReason("ContainerCreating")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    var jobCreated = jobJustCreated();

    reconciler.reconcile(jobCreated, context(Set.of(job()), Set.of(created), Set.of(), null));
    reconciler.reconcile(jobCreated, context(Set.of(job()), Set.of(creating), Set.of(), null));
    assertThat(recorded).isEmpty(); // the set-up steps are one PodPending
    reconciler.reconcile(jobCreated, context(Set.of(job()), Set.of(agentPod()), Set.of(), null));

    assertThat(recorded).containsExactly("Running");
    assertThat(gateway.summary()).containsExactly("ensureStarted");
  }

  @Test
  void anAgentThatStartsUnderARunTimeoutWakesTheWorkflowForItsDeadline() {
    Job timed =
        new JobBuilder(job())
            .editMetadata()
            .addToAnnotations(KubeTaskAnnotations.TIMEOUT_SECONDS, "60")
            .endMetadata()
            .build();

    reconciler.reconcile(
        jobJustCreated(), context(Set.of(timed), Set.of(agentPod()), Set.of(), null));

    assertThat(recorded).containsExactly("Running");
    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");
  }

  private static Task withAttempts(Task task, int attempts) {
    var s = task.getStatus();
    task.setStatus(
        new TaskStatus(
            s.phase(),
            s.jobName(),
            s.startTime(),
            s.completionTime(),
            s.expirationTime(),
            s.conditions(),
            s.observedGeneration(),
            s.workflowId(),
            s.workflowUrl(),
            s.queuePosition(),
            attempts,
            s.result()));
    return task;
  }

  @Test
  void aPodThatReplacedADisruptedOneWakesTheWorkflowUntilItCountsTheAttempt() {
    Pod second =
        new PodBuilder(agentPod())
            .editMetadata()
            .withName("t-12345678-b4m9q")
            .endMetadata()
            .build();
    Pod first =
        new PodBuilder(agentPod())
            .editStatus()
            .withPhase("Failed")
            .endStatus()
            .editMetadata()
            .withCreationTimestamp(NOW.minusSeconds(595).toString())
            .endMetadata()
            .build();
    var oneAttempt = withAttempts(running(NOW.minusSeconds(600)), 1);

    reconciler.reconcile(oneAttempt, context(Set.of(job()), Set.of(first, second), Set.of(), null));
    var counted = withAttempts(running(NOW.minusSeconds(600)), 2);
    reconciler.reconcile(counted, context(Set.of(job()), Set.of(first, second), Set.of(), null));

    // Told once; the Task that counts the second attempt gets nothing more.
    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");
  }

  @Test
  void signalsWhenTheJobCannotCreateItsPod() {
    Event refused =
        new EventBuilder()
            .withNewMetadata()
            .withName("t-12345678.1")
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("Job")
            .withName("t-12345678")
            .withUid(JOB_UID)
            .endInvolvedObject()
            .withReason("FailedCreate")
            .withMessage("Error creating: exceeded quota")
            .build();

    reconciler.reconcile(
        running(NOW.minusSeconds(600)), context(Set.of(job()), Set.of(), Set.of(refused), null));

    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED");
    assertThat(recorded).containsExactly("PodCreationFailed");
  }

  @Test
  void aReleaseValueOtherThanTrueIsIgnoredWithOneWarning() {
    var task =
        annotated(
            running(NOW.minusSeconds(600), condition("HumanInTheLoop", "True", "WindowOpen")),
            KubeTaskAnnotations.RELEASE,
            "false");

    reconciler.reconcile(task, context(Set.of(job()), null));
    reconciler.reconcile(task, context(Set.of(job()), null));

    assertThat(gateway.summary()).containsExactly("ensureStarted");
    assertThat(warnings)
        .containsExactly(
            "IgnoredAnnotation: kubetask.io/release=\"false\" is ignored: only \"true\" ends the"
                + " keep-alive window.");
  }

  @Test
  void signalsABlockedTask() {
    var task =
        task(TaskPhase.PENDING, condition(Conditions.READY, "False", Conditions.AGENT_NOT_FOUND));

    reconciler.reconcile(task, context());

    assertThat(gateway.summary()).containsExactly("signal DEPENDENCIES_CHANGED");
  }

  @Test
  void stopsOnTheAnnotation() {
    var task = annotated(running(NOW.minusSeconds(600)), KubeTaskAnnotations.STOP, "");

    reconciler.reconcile(task, context(Set.of(job()), null));

    assertThat(gateway.summary()).containsExactly("signal STOP(Stopped)");
  }

  @Test
  void readsTheTtlFromTheCachedConfig() {
    var completion = NOW.minusSeconds(60);
    var task = finished(TaskPhase.COMPLETED, completion, completion.plusSeconds(604800));

    var control = reconciler.reconcile(task, context(Set.of(), config(120)));

    assertThat(gateway.summary()).containsExactly("signal CONFIG_CHANGED");
    assertThat(control.getScheduleDelay()).contains(RESYNC.toMillis());
  }

  @Test
  void leavesAFinishedTaskWithoutCleanupAlone() {
    var task = finished(TaskPhase.COMPLETED, NOW.minusSeconds(60), null);

    var control = reconciler.reconcile(task, context(Set.of(), config(0)));

    assertThat(gateway.calls).isEmpty();
    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void temporalErrorsPropagateSoTheReconcileIsRetried() {
    gateway.failure = new IllegalStateException("UNAVAILABLE");

    assertThatThrownBy(() -> reconciler.reconcile(task("t"), context()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void cleanupCancelsTheWorkflowAndReleasesTheTask() {
    var control = reconciler.cleanup(running(NOW), context());

    assertThat(gateway.calls)
        .containsExactly(
            new FakeTaskWorkflowGateway.Call(
                "terminate", null, new TaskRef("team-a", "t", "t-uid"), null));
    assertThat(control.isRemoveFinalizer()).isTrue();
  }

  @Test
  void cleanupOfACronTasksTaskTellsItsRunThatTheTaskIsGone() {
    Task fired = running(NOW);
    fired
        .getMetadata()
        .setAnnotations(Map.of(KubeTaskAnnotations.CRONTASK_RUN, "crontask-run/team-a/n-1"));

    var control = reconciler.cleanup(fired, context());

    assertThat(gateway.summary()).containsExactly("terminate", "taskGone crontask-run/team-a/n-1");
    assertThat(control.isRemoveFinalizer()).isTrue();
  }

  @Test
  void cleanupOfATaskDeletedAtTheEndOfItsTtlLeavesTheWorkflowAlone() {
    var expired = finished(TaskPhase.COMPLETED, NOW.minusSeconds(3600), NOW.minusSeconds(5));
    expired.getMetadata().setDeletionTimestamp(NOW.minusSeconds(5).toString());

    var control = reconciler.cleanup(expired, context());

    assertThat(gateway.calls).isEmpty();
    assertThat(control.isRemoveFinalizer()).isTrue();
  }

  @Test
  void theFinalizerIsPutOnANewTaskAfterItsWorkflowIsStarted() {
    reconciler.reconcile(task("t"), context());

    assertThat(finalizerCalls).containsExactly("add after [ensureStarted]");
  }

  @Test
  void theFinalizerIsPutOnAlsoWhileTemporalCannotBeReached() {
    gateway.failure = new IllegalStateException("UNAVAILABLE");

    assertThatThrownBy(() -> reconciler.reconcile(task("t"), context())).hasMessage("UNAVAILABLE");

    assertThat(finalizerCalls).containsExactly("add after []");
  }

  @Test
  void aTaskBeingDeletedIsCleanedUpThenReleased() {
    var task = deleting(running(NOW.minusSeconds(600)), TaskFinalizer.NAME);

    var control = reconciler.reconcile(task, context());

    assertThat(gateway.summary()).containsExactly("terminate");
    assertThat(finalizerCalls).containsExactly("remove after [terminate]");
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void aTaskBeingDeletedIsHeldWhileTemporalCannotBeReachedAndLookedAtAgain() {
    gateway.failure = new IllegalStateException("UNAVAILABLE");
    var task = deleting(running(NOW.minusSeconds(600)), TaskFinalizer.NAME);

    var control = reconciler.reconcile(task, context());

    assertThat(finalizerCalls).isEmpty();
    assertThat(control.getScheduleDelay()).contains(5_000L);
  }

  @Test
  void aTaskHeldOnlyByAnotherFinalizerIsLeftAlone() {
    var task = deleting(running(NOW.minusSeconds(600)), "example.com/keep");

    reconciler.reconcile(task, context());

    assertThat(gateway.calls).isEmpty();
    assertThat(finalizerCalls).isEmpty();
  }

  @Test
  void aTaskDeletedBeforeItsFinalizerCameIsCleanedUpWhenItIsGone() {
    var task = task("t");
    reconciler.reconcile(task, context());

    reconciler.reconcile(task, gone(context()));
    reconciler.reconcile(task, context()); // a Task of the same name and uid: nothing remembered

    assertThat(gateway.summary()).containsExactly("ensureStarted", "terminate", "ensureStarted");
  }

  @Test
  void aTaskCleanedUpUnderItsFinalizerIsNotCleanedUpAgainWhenItIsGone() {
    var task = deleting(running(NOW.minusSeconds(600)), TaskFinalizer.NAME);
    reconciler.reconcile(task, context());

    reconciler.reconcile(task, gone(context()));

    assertThat(gateway.summary()).containsExactly("terminate");
  }

  @Test
  void aTaskGoneWhileTemporalCannotBeReachedIsLeftToItsWorkflow() {
    gateway.failure = new IllegalStateException("UNAVAILABLE");

    var control = reconciler.reconcile(task("t"), gone(context()));

    assertThat(control.getScheduleDelay()).isEmpty();
    assertThat(finalizerCalls).isEmpty();
  }

  @Test
  void theFinalizerKeepsTheNameTasksHaveCarriedSinceTheFirstRelease() {
    assertThat(TaskFinalizer.NAME).isEqualTo("tasks.kubetask.io/finalizer");
  }

  private static Task deleting(Task task, String finalizer) {
    task.getMetadata().setDeletionTimestamp(NOW.minusSeconds(1).toString());
    task.getMetadata().setFinalizers(new ArrayList<>(List.of(finalizer)));
    return task;
  }

  private static Context<Task> gone(Context<Task> context) {
    when(context.isPrimaryResourceDeleted()).thenReturn(true);
    return context;
  }
}
