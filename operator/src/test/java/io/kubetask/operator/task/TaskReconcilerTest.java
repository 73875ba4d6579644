package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.NOW;
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

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.workflows.task.TaskRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskReconcilerTest {
  private static final Duration RESYNC = Duration.ofMinutes(5);

  private final FakeTaskWorkflowGateway gateway = new FakeTaskWorkflowGateway();
  private final TaskReconciler reconciler =
      new TaskReconciler(gateway, Clock.fixed(NOW, ZoneOffset.UTC), RESYNC);

  @SuppressWarnings("unchecked")
  private static Context<Task> context(Set<Job> jobs, KubeTaskConfig config) {
    Context<Task> context = mock(Context.class);
    when(context.getSecondaryResources(Job.class)).thenReturn(jobs);
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
    var reconciler = new TaskReconciler(gateway, steppingClock(now), RESYNC);
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
  void signalsAreAlwaysSentAndCountAsAStart() {
    var task = running(NOW.minusSeconds(600));

    reconciler.reconcile(task, context(Set.of(finishedJob("Complete")), null));
    reconciler.reconcile(task, context(Set.of(finishedJob("Complete")), null));
    reconciler.reconcile(task, context(Set.of(job()), null));

    assertThat(gateway.summary()).containsExactly("signal JOB_CHANGED", "signal JOB_CHANGED");
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
  void aDeletedTaskIsForgotten() {
    var task = task("t");
    reconciler.reconcile(task, context());
    reconciler.cleanup(task, context());

    reconciler.reconcile(task, context()); // nothing of the deleted Task is remembered

    assertThat(gateway.summary()).containsExactly("ensureStarted", "cancel", "ensureStarted");
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
                "cancel", null, new TaskRef("team-a", "t", "t-uid"), null));
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
}
