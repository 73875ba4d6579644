package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.NOW;
import static io.kubetask.operator.task.TestTasks.annotated;
import static io.kubetask.operator.task.TestTasks.condition;
import static io.kubetask.operator.task.TestTasks.config;
import static io.kubetask.operator.task.TestTasks.finished;
import static io.kubetask.operator.task.TestTasks.finishedJob;
import static io.kubetask.operator.task.TestTasks.job;
import static io.kubetask.operator.task.TestTasks.keepAliveJob;
import static io.kubetask.operator.task.TestTasks.running;
import static io.kubetask.operator.task.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.operator.task.TaskActions.Plan;
import io.kubetask.operator.task.TaskWorkflowGateway.Signal;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskActionsTest {
  private static final Instant LONG_AGO = NOW.minusSeconds(3600);

  private static Plan plan(Task task) {
    return plan(task, null, null);
  }

  private static Plan plan(Task task, Job job, KubeTaskConfig config) {
    return TaskActions.plan(task, job, config, NOW);
  }

  @Nested
  class NotStarted {
    @Test
    void aNewTaskGetsItsWorkflow() {
      assertThat(plan(task("t"))).isEqualTo(Plan.START);
    }

    @Test
    void aPendingTaskThatIsNotBlockedGetsItsWorkflow() {
      assertThat(plan(task(TaskPhase.PENDING))).isEqualTo(Plan.START);
      assertThat(plan(task(TaskPhase.PENDING, condition("Ready", "False", "JobCreationFailed"))))
          .isEqualTo(Plan.START);
    }

    @ParameterizedTest
    @ValueSource(strings = {Conditions.AGENT_NOT_FOUND, Conditions.CONTEXT_NOT_FOUND})
    void aBlockedTaskIsToldThatDependenciesChanged(String reason) {
      var task = task(TaskPhase.PENDING, condition(Conditions.READY, "False", reason));

      assertThat(plan(task)).isEqualTo(Plan.signals(Signal.DEPENDENCIES_CHANGED));
      assertThat(TaskActions.isBlocked(task)).isTrue();
    }
  }

  @Nested
  class AwaitingApproval {
    private final Task waiting =
        task(TaskPhase.PENDING, condition(Conditions.READY, "False", Conditions.AWAITING_APPROVAL));

    @Test
    void aTaskWaitingForApprovalIsLeftToItsWorkflow() {
      assertThat(plan(waiting)).isEqualTo(Plan.START);
      assertThat(TaskActions.isBlocked(waiting)).isFalse();
    }

    @Test
    void anApprovalOrARejectionIsSignalled() {
      assertThat(plan(annotated(waiting, KubeTaskAnnotations.APPROVE, "true")))
          .isEqualTo(Plan.signals(Signal.DEPENDENCIES_CHANGED));
      var other =
          task(
              TaskPhase.PENDING,
              condition(Conditions.READY, "False", Conditions.AWAITING_APPROVAL));
      assertThat(plan(annotated(other, KubeTaskAnnotations.REJECT, "too risky")))
          .isEqualTo(Plan.signals(Signal.DEPENDENCIES_CHANGED));
    }

    @Test
    void anApprovalOtherThanTrueApprovesNothingAndIsWarnedAbout() {
      var task = annotated(waiting, KubeTaskAnnotations.APPROVE, "yes");

      assertThat(plan(task)).isEqualTo(Plan.START);
      assertThat(TaskActions.ignoredApproval(task))
          .contains("kubetask.io/approve=\"yes\" is ignored: only \"true\" approves the Task.");
    }
  }

  @Nested
  class Running {
    @Test
    void aRunningJobNeedsNothingButTheWorkflow() {
      assertThat(plan(running(LONG_AGO), job(), null)).isEqualTo(Plan.START);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Complete", "Failed"})
    void aFinishedJobIsSignalled(String type) {
      assertThat(plan(running(LONG_AGO), finishedJob(type), null))
          .isEqualTo(Plan.signals(Signal.JOB_CHANGED));
    }

    @Test
    void aReadyKeepAlivePodMeansTheWindowOpened() {
      assertThat(plan(running(LONG_AGO), keepAliveJob(1), null))
          .isEqualTo(Plan.signals(Signal.JOB_CHANGED));
    }

    @Test
    void anOpenWindowIsSignalledOnlyOnce() {
      var task = running(LONG_AGO, condition(Conditions.HUMAN_IN_THE_LOOP, "True", "WindowOpen"));

      assertThat(plan(task, keepAliveJob(1), null)).isEqualTo(Plan.START);
    }

    @Test
    void aReadyPodWithoutKeepAliveSaysNothing() {
      var job = job();
      job.getStatus().setReady(1);

      assertThat(plan(running(LONG_AGO), job, null)).isEqualTo(Plan.START);
      assertThat(plan(running(LONG_AGO), keepAliveJob(0), null)).isEqualTo(Plan.START);
    }

    @Test
    void aJobMissingForLongIsSignalled() {
      assertThat(plan(running(NOW.minusSeconds(31)))).isEqualTo(Plan.signals(Signal.JOB_CHANGED));
    }

    @Test
    void aJustCreatedJobMayNotBeCachedYet() {
      assertThat(plan(running(NOW.minusSeconds(10)))).isEqualTo(Plan.START);
    }

    @Test
    void withoutStartTimeTheCreationTimeCounts() {
      var task = running(null);

      assertThat(plan(task)).isEqualTo(Plan.signals(Signal.JOB_CHANGED));
      task.getMetadata().setCreationTimestamp(NOW.toString());
      assertThat(plan(task)).isEqualTo(Plan.START);
    }

    @Test
    void withoutJobNameNoJobIsExpected() {
      var task = task(TaskPhase.RUNNING);

      assertThat(plan(task)).isEqualTo(Plan.START);
    }
  }

  @Nested
  class Annotations {
    @Test
    void releaseEndsAnOpenWindow() {
      var task =
          annotated(
              running(LONG_AGO, condition(Conditions.HUMAN_IN_THE_LOOP, "True", "WindowOpen")),
              KubeTaskAnnotations.RELEASE,
              "true");

      assertThat(plan(task, keepAliveJob(1), null)).isEqualTo(Plan.signals(Signal.RELEASE));
    }

    @Test
    void releaseWaitsForTheWindow() {
      var closed =
          annotated(
              running(LONG_AGO, condition(Conditions.HUMAN_IN_THE_LOOP, "False", "WindowClosed")),
              KubeTaskAnnotations.RELEASE,
              "true");
      var notYet = annotated(running(LONG_AGO), KubeTaskAnnotations.RELEASE, "true");

      assertThat(plan(closed, job(), null)).isEqualTo(Plan.START);
      assertThat(plan(notYet, job(), null)).isEqualTo(Plan.START);
    }

    @Test
    void stopCarriesTheAnnotationAsReason() {
      var task = annotated(running(LONG_AGO), KubeTaskAnnotations.STOP, "OverBudget");

      assertThat(plan(task, job(), null)).isEqualTo(Plan.signals(Signal.stop("OverBudget")));
    }

    @Test
    void anEmptyStopAnnotationMeansStopped() {
      var task = annotated(task(TaskPhase.PENDING), KubeTaskAnnotations.STOP, "");

      assertThat(plan(task)).isEqualTo(Plan.signals(Signal.stop(Conditions.STOPPED)));
    }

    @Test
    void stopReachesATaskWithoutStatus() {
      var task = annotated(task("t"), KubeTaskAnnotations.STOP, "x");

      assertThat(plan(task)).isEqualTo(Plan.signals(Signal.stop("x")));
    }

    @ParameterizedTest
    @EnumSource(
        value = TaskPhase.class,
        names = {"COMPLETED", "FAILED"})
    void aFinishedTaskIsNotStopped(TaskPhase phase) {
      var task =
          annotated(
              finished(phase, LONG_AGO, LONG_AGO.plusSeconds(604800)),
              KubeTaskAnnotations.STOP,
              "x");

      assertThat(plan(task)).isEqualTo(Plan.START);
    }

    @Test
    void signalsCombine() {
      var task = annotated(running(LONG_AGO), KubeTaskAnnotations.STOP, "x");

      assertThat(plan(task, finishedJob("Complete"), null))
          .isEqualTo(Plan.signals(Signal.JOB_CHANGED, Signal.stop("x")));
    }
  }

  @Nested
  class Finished {
    @ParameterizedTest
    @EnumSource(
        value = TaskPhase.class,
        names = {"COMPLETED", "FAILED"})
    void aPendingExpirationKeepsTheWorkflow(TaskPhase phase) {
      var task = finished(phase, LONG_AGO, LONG_AGO.plusSeconds(604800));

      assertThat(plan(task)).isEqualTo(Plan.START);
      assertThat(plan(task, null, config(null))).isEqualTo(Plan.START);
      assertThat(
              plan(
                  task,
                  null,
                  new KubeTaskConfig("team-a", "default", new KubeTaskConfigSpec(null))))
          .isEqualTo(Plan.START);
      assertThat(plan(task, null, config(604800))).isEqualTo(Plan.START);
    }

    @Test
    void aChangedTtlIsSignalled() {
      var task = finished(TaskPhase.COMPLETED, LONG_AGO, LONG_AGO.plusSeconds(604800));

      assertThat(plan(task, null, config(3600))).isEqualTo(Plan.signals(Signal.CONFIG_CHANGED));
      assertThat(plan(task, null, config(0))).isEqualTo(Plan.signals(Signal.CONFIG_CHANGED));
    }

    @Test
    void enablingCleanupIsSignalled() {
      var task = finished(TaskPhase.COMPLETED, LONG_AGO, null);

      assertThat(plan(task, null, config(3600))).isEqualTo(Plan.signals(Signal.CONFIG_CHANGED));
      assertThat(plan(task)).isEqualTo(Plan.signals(Signal.CONFIG_CHANGED));
    }

    @Test
    void disabledCleanupNeedsNoWorkflow() {
      var task = finished(TaskPhase.FAILED, LONG_AGO, null);

      assertThat(plan(task, null, config(0))).isEqualTo(Plan.NOTHING);
      assertThat(TaskActions.needsResync(task)).isFalse();
    }

    @Test
    void timesCompareAsInstantsToTheSecond() {
      var task = finished(TaskPhase.COMPLETED, Instant.parse("2026-01-01T10:00:00.250Z"), null);
      task.setStatus(
          new io.kubetask.api.v1alpha1.TaskStatus(
              TaskPhase.COMPLETED,
              null,
              null,
              "2026-01-01T10:00:00.250Z",
              "2026-01-01T12:00:00+01:00",
              null,
              null,
              null,
              null));

      assertThat(plan(task, null, config(3600))).isEqualTo(Plan.START);
    }

    @Test
    void aFinishedTaskIsNotToldAboutItsJob() {
      var task = finished(TaskPhase.COMPLETED, LONG_AGO, LONG_AGO.plusSeconds(604800));

      assertThat(plan(task, finishedJob("Complete"), null)).isEqualTo(Plan.START);
    }
  }

  @Test
  void deletingAnUnfinishedTaskOrOneBeforeItsExpiryCancelsItsWorkflow() {
    assertThat(TaskActions.endsWorkflowOnDelete(task("t"), NOW)).isTrue();
    assertThat(TaskActions.endsWorkflowOnDelete(running(LONG_AGO), NOW)).isTrue();
    assertThat(TaskActions.endsWorkflowOnDelete(finished(TaskPhase.COMPLETED, LONG_AGO, null), NOW))
        .isTrue();
    var waiting = finished(TaskPhase.FAILED, LONG_AGO, NOW.plusSeconds(1));
    waiting.getMetadata().setDeletionTimestamp(NOW.toString());
    assertThat(TaskActions.endsWorkflowOnDelete(waiting, NOW)).isTrue();
  }

  @Test
  void theDeleteAtTheEndOfTheTtlLeavesTheWorkflowToEndByItself() {
    var expired = finished(TaskPhase.COMPLETED, LONG_AGO, NOW.plusMillis(400));
    // The API server writes whole seconds; the worker deleted the Task at its expiry.
    expired.getMetadata().setDeletionTimestamp(NOW.toString());
    assertThat(TaskActions.endsWorkflowOnDelete(expired, NOW.plusSeconds(30))).isFalse();
    // Without a deletionTimestamp, the current time decides.
    var noTimestamp = finished(TaskPhase.COMPLETED, LONG_AGO, NOW);
    assertThat(TaskActions.endsWorkflowOnDelete(noTimestamp, NOW)).isFalse();
    assertThat(TaskActions.endsWorkflowOnDelete(noTimestamp, NOW.minusSeconds(5))).isTrue();
  }

  @Test
  void resyncWhileSomethingIsLeftToDo() {
    assertThat(TaskActions.needsResync(task("t"))).isTrue();
    assertThat(TaskActions.needsResync(running(LONG_AGO))).isTrue();
    assertThat(TaskActions.needsResync(finished(TaskPhase.COMPLETED, LONG_AGO, NOW))).isTrue();
    assertThat(TaskActions.needsResync(finished(TaskPhase.COMPLETED, LONG_AGO, null))).isFalse();
  }
}
