package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Task says about its agent's pod, from the objects Kubernetes keeps. */
class AgentProgressTest {
  private static final Job JOB =
      new JobBuilder().withNewMetadata().withName("fix-bug-3f2a9c1e").endMetadata().build();

  @Test
  void aJobWithoutPodOrEventWaitsForItsPod() {
    assertThat(AgentProgress.of(JOB, List.of(), List.of()))
        .isEqualTo(
            new AgentProgress(
                "PodPending", "Waiting for Job fix-bug-3f2a9c1e to create the agent's pod.", null));
  }

  @Test
  void aJobThatCannotCreateItsPodSaysWhyInTheJobControllersWords() {
    Event older = failedCreate("2025-06-01T12:00:01Z", "Error creating: old");
    Event newer =
        failedCreate(
            "2025-06-01T12:00:09Z",
            "Error creating: pods \"fix-bug-3f2a9c1e-x\" is forbidden: violates PodSecurity"
                + " \"restricted:latest\": runAsNonRoot != true");

    assertThat(AgentProgress.of(JOB, List.of(), List.of(newer, older)))
        .isEqualTo(new AgentProgress("PodCreationFailed", newer.getMessage(), null));
  }

  @Test
  void anUnschedulablePodSaysWhyInTheSchedulersWords() {
    Pod pod =
        pod()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.")
            .endCondition()
            .endStatus()
            .build();

    AgentProgress progress = AgentProgress.of(JOB, List.of(pod), List.of());

    assertThat(progress)
        .isEqualTo(
            new AgentProgress(
                "Unschedulable",
                "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.",
                null));
    assertThat(progress.troubled()).isTrue();
  }

  @Test
  void aWaitingContainerSaysWhyInTheKubeletsWords() {
    for (String reason :
        List.of("ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError")) {
      Pod pod = waiting(reason, "kubelet says: " + reason);

      assertThat(AgentProgress.of(JOB, List.of(pod), List.of()))
          .isEqualTo(new AgentProgress(reason, "kubelet says: " + reason, null));
    }
  }

  @Test
  void aContainerBeingSetUpIsPendingAndNotTroubled() {
    AgentProgress progress =
        AgentProgress.of(JOB, List.of(waiting("ContainerCreating", null)), List.of());

    assertThat(progress)
        .isEqualTo(
            new AgentProgress(
                "PodPending", "Pod fix-bug-3f2a9c1e-x7k2p is Pending: ContainerCreating.", null));
    assertThat(progress.troubled()).isFalse();
  }

  @Test
  void aReasonThatIsNoCamelCaseWordStaysInTheMessage() {
    assertThat(AgentProgress.of(JOB, List.of(waiting("bad reason", "m")), List.of()))
        .isEqualTo(new AgentProgress("PodPending", "bad reason: m", null));
  }

  @Test
  void theAgentIsRunningOnceItsContainerRunsOrHasRun() {
    Pod running =
        pod()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("agent")
            .withNewState()
            .withNewRunning()
            .withStartedAt("2025-06-01T12:00:07Z")
            .endRunning()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    Pod ended =
        pod()
            .withNewStatus()
            .withPhase("Failed")
            .addNewContainerStatus()
            .withName("agent")
            .withNewState()
            .withNewTerminated()
            .withExitCode(3)
            .withStartedAt("2025-06-01T12:00:07Z")
            .endTerminated()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    long startedAt = Instant.parse("2025-06-01T12:00:07Z").toEpochMilli();

    for (Pod pod : List.of(running, ended)) {
      AgentProgress progress = AgentProgress.of(JOB, List.of(pod), List.of());
      assertThat(progress)
          .isEqualTo(new AgentProgress("Running", "The agent is running.", startedAt));
      assertThat(progress.started()).isTrue();
      assertThat(progress.troubled()).isFalse();
    }
  }

  @Test
  void theTaskShowsAProgressWhenItsSucceededConditionSaysExactlyThat() {
    AgentProgress progress = new AgentProgress("Unschedulable", "no node", null);

    assertThat(progress.isShownOn(List.of(succeeded("Unknown", "Unschedulable", "no node"))))
        .isTrue();
    assertThat(progress.isShownOn(List.of(succeeded("Unknown", "Unschedulable", "other"))))
        .isFalse();
    assertThat(progress.isShownOn(List.of(succeeded("False", "Unschedulable", "no node"))))
        .isFalse();
    assertThat(progress.isShownOn(null)).isFalse();
  }

  @Test
  void aSetUpStepAfterAnotherIsNoNewsButEveryOtherChangeIs() {
    var waitingForPod = List.of(succeeded("Unknown", "PodPending", "Waiting for Job j."));
    var scheduled = new AgentProgress("PodPending", "Pod p is Pending: ContainerCreating.", null);
    var running = new AgentProgress("Running", "The agent is running.", 1L);
    var unschedulable = new AgentProgress("Unschedulable", "no node", null);

    assertThat(scheduled.isNewsFor(waitingForPod)).isFalse();
    assertThat(running.isNewsFor(waitingForPod)).isTrue();
    assertThat(unschedulable.isNewsFor(waitingForPod)).isTrue();
    // Back to a normal set-up after trouble: the Task must stop saying Unschedulable.
    assertThat(scheduled.isNewsFor(List.of(succeeded("Unknown", "Unschedulable", "no node"))))
        .isTrue();
    assertThat(unschedulable.isNewsFor(List.of(succeeded("Unknown", "Unschedulable", "no node"))))
        .isFalse();
    assertThat(scheduled.isNewsFor(null)).isTrue();
  }

  private static PodBuilder pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("fix-bug-3f2a9c1e-x7k2p")
        .withCreationTimestamp("2025-06-01T12:00:00Z")
        .endMetadata();
  }

  private static Pod waiting(String reason, String message) {
    return pod()
        .withNewStatus()
        .withPhase("Pending")
        .addNewContainerStatus()
        .withName("agent")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Event failedCreate(String lastTimestamp, String message) {
    return new EventBuilder()
        .withNewMetadata()
        .withName("fix-bug-3f2a9c1e." + lastTimestamp)
        .endMetadata()
        .withReason("FailedCreate")
        .withMessage(message)
        .withLastTimestamp(lastTimestamp)
        .build();
  }

  private static Condition succeeded(String status, String reason, String message) {
    return new ConditionBuilder()
        .withType("Succeeded")
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
