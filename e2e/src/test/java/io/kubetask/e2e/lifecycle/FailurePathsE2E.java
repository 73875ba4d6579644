package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.PodScheduling;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ways an agent run goes wrong that the happy path never meets, on the real stack: a pod the
 * scheduler cannot place, a pod the API server refuses (a ResourceQuota of no pods), an image the
 * kubelet cannot pull or a container it cannot build (kwok reports those, as its {@code
 * kubetask.test/waiting-reason} stage says), an agent that hangs, and a Task stopped before it
 * started. Each ends in a specific reason, the platform's own message and an Event, within its
 * deadline.
 */
class FailurePathsE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static TaskWorld world;

  @BeforeAll
  static void start() {
    KubeTaskSystem system = KubeTaskSystem.get();
    world = new TaskWorld(system.client(), NS.name(), TIMEOUT);
    NS.awaitDefaultServiceAccount();
  }

  @Test
  void aPodNoNodeFitsIsUnschedulableThenTheTaskFailsAtItsStartTimeout() {
    world.agent(
        "nowhere",
        AgentSpecs.image("example.com/agent:1")
            .scheduling(new PodScheduling(Map.of("kubetask.test/pool", "none"), null, null))
            .startTimeout("15s"));
    Task task = world.create("unschedulable", "nowhere");

    Task waiting = world.awaitProgress(task, "Unschedulable");
    assertThat(condition(waiting, "Succeeded").getMessage())
        .as("the scheduler's own message")
        .contains("didn't match Pod's node affinity/selector");
    // The Event is recorded just after the condition is written.
    await("the Unschedulable Event")
        .atMost(TIMEOUT)
        .until(() -> world.eventReasons(task).contains("Unschedulable"));

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);
    Condition succeeded = condition(failed, "Succeeded");
    assertThat(succeeded.getStatus()).isEqualTo("False");
    assertThat(succeeded.getReason()).isEqualTo("StartTimeout");
    assertThat(succeeded.getMessage())
        .startsWith("The agent did not start within 15s of Job ")
        .contains("its pod: Unschedulable: 0/1 nodes are available");
    await("the StartTimeout Event")
        .atMost(TIMEOUT)
        .until(() -> world.eventReasons(failed).contains("StartTimeout"));
    await("the Job is deleted").atMost(TIMEOUT).until(() -> world.jobs(task).isEmpty());
  }

  @Test
  void aPodTheApiServerRefusesIsPodCreationFailedWithAdmissionsMessage() {
    // Pod Security admission refuses the agent's pod: it runs as root, which "restricted" forbids.
    String refusing =
        NS.another("restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    TaskWorld there = new TaskWorld(NS.client(), refusing, TIMEOUT);
    there.agent("root", AgentSpecs.image("example.com/agent:1").startTimeout("20s"));
    Task task = there.create("refused", "root");

    Task waiting = there.awaitProgress(task, "PodCreationFailed");
    assertThat(condition(waiting, "Succeeded").getMessage())
        .as("the Job controller's FailedCreate Event, with Pod Security admission's words")
        .contains("violates PodSecurity \"restricted:latest\"");
    await("the PodCreationFailed Event")
        .atMost(TIMEOUT)
        .until(() -> there.eventReasons(task).contains("PodCreationFailed"));

    Task failed = there.awaitPhase(task, TaskPhase.FAILED);
    assertThat(condition(failed, "Succeeded").getReason()).isEqualTo("StartTimeout");
    assertThat(condition(failed, "Succeeded").getMessage())
        .contains("its pod: PodCreationFailed:")
        .contains("violates PodSecurity");
  }

  @Test
  void anImageTheKubeletCannotPullAndAContainerItCannotBuildSayWhy() {
    for (String reason : List.of("ImagePullBackOff", "CreateContainerConfigError")) {
      String agent = reason.toLowerCase();
      world.agent(
          agent, AgentSpecs.image("example.com/missing:1").waits(reason).startTimeout("1h"));
      Task task = world.create("waits-" + agent, agent);

      Task waiting = world.awaitProgress(task, reason);

      assertThat(condition(waiting, "Succeeded").getMessage())
          .isEqualTo("kwok: container agent waits: " + reason + " (image example.com/missing:1)");
      assertThat(waiting.getStatus().phase()).isEqualTo(TaskPhase.RUNNING);
      await("the Warning Event " + reason)
          .atMost(TIMEOUT)
          .until(() -> events(task).stream().anyMatch(e -> isWarning(e, reason)));
      world.annotate(task, KubeTaskAnnotations.STOP, "Abandoned");
      assertThat(condition(world.awaitPhase(task, TaskPhase.FAILED), "Succeeded").getReason())
          .isEqualTo("Abandoned");
    }
  }

  @Test
  void anAgentThatHangsIsStoppedAtItsTimeoutAndOnlyRunningCountsAgainstIt() {
    world.agent("hangs", AgentSpecs.image("example.com/agent:1").hangs().timeout("6s"));
    Task task = world.create("hangs", "hangs");

    Task running = world.awaitProgress(task, "Running");
    assertThat(condition(running, "Succeeded").getMessage()).isEqualTo("The agent is running.");

    Task failed = world.awaitPhase(task, TaskPhase.FAILED);
    assertThat(condition(failed, "Succeeded").getReason()).isEqualTo("DeadlineExceeded");
    assertThat(condition(failed, "Succeeded").getMessage())
        .isEqualTo("The agent ran longer than its timeout of 6s and was stopped.");
    await("the Job is deleted").atMost(TIMEOUT).until(() -> world.jobs(task).isEmpty());
    // Counted from when the container ran: never before 6 s after that.
    Duration ran =
        Duration.between(
            TaskWorld.instant(condition(running, "Succeeded").getLastTransitionTime()),
            TaskWorld.instant(failed.getStatus().completionTime()));
    assertThat(ran).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
  }

  /** A Task that never starts (no node fits) and one that runs too long (it hangs). */
  static Stream<Arguments> deadlines() {
    return Stream.of(
        Arguments.of(
            "stuck",
            AgentSpecs.image("example.com/agent:1")
                .scheduling(new PodScheduling(Map.of("kubetask.test/pool", "none"), null, null)),
            "startTimeout: 8s",
            "StartTimeout"),
        Arguments.of(
            "overrun",
            AgentSpecs.image("example.com/agent:1").hangs(),
            "timeout: 6s",
            "DeadlineExceeded"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("deadlines")
  void aForbidCronTaskFiresAgainAfterItsTaskMissedADeadline(
      String name, AgentSpecs agent, String deadline, String reason) {
    world.agent(name, agent);
    NS.client()
        .resource(
            """
            apiVersion: kubetask.io/v1alpha1
            kind: CronTask
            metadata:
              name: %s
              annotations:
                kubetask.io/run-now: "true"
            spec:
              schedule: "0 3 * * *"
              concurrencyPolicy: Forbid
              taskTemplate:
                spec:
                  agentRef: %s
                  %s
                  contexts:
                    - type: File
                      file:
                        filePath: /workspace/task.md
                        source:
                          inline: Try.
            """
                .formatted(name, name, deadline))
        .inNamespace(NS.name())
        .create();

    Task first =
        await("the first fire's Task")
            .atMost(TIMEOUT)
            .until(() -> cronTasks(name), l -> l.size() == 1)
            .get(0);
    assertThat(condition(world.awaitPhase(first, TaskPhase.FAILED), "Succeeded").getReason())
        .isEqualTo(reason);
    await("its Job is deleted").atMost(TIMEOUT).until(() -> world.jobs(first).isEmpty());

    // Its run ends once its Task has: until then the Schedule counts the fire as running.
    String schedule = "crontask/" + NS.name() + "/" + name;
    await("the first run ended")
        .atMost(TIMEOUT)
        .until(
            () ->
                schedules().getHandle(schedule).describe().getInfo().getRunningActions().isEmpty());
    NS.client()
        .resources(io.kubetask.api.v1alpha1.CronTask.class)
        .inNamespace(NS.name())
        .withName(name)
        .edit(
            c -> {
              c.getMetadata().getAnnotations().put(KubeTaskAnnotations.RUN_NOW, "true");
              return c;
            });

    await("a second Task: the failed one no longer blocks the CronTask")
        .atMost(TIMEOUT)
        .until(() -> cronTasks(name).size() == 2);
  }

  @Test
  void aTaskStoppedBeforeItStartedNeverCreatesAJobOrAConfigMap() throws Exception {
    world.agent("never", AgentSpecs.image("example.com/agent:1"));
    List<String> created = new CopyOnWriteArrayList<>();
    try (Watch jobs =
            NS.client().batch().v1().jobs().inNamespace(NS.name()).watch(recorder(created));
        Watch configMaps =
            NS.client()
                .configMaps()
                .inNamespace(NS.name())
                .withLabel(KubeTaskLabels.MANAGED_BY, KubeTaskLabels.MANAGED_BY_VALUE)
                .watch(recorder(created))) {
      Task unborn =
          new Task(
              NS.name(),
              "unborn",
              new TaskSpec(List.of(TaskWorld.inline("/workspace/task.md", "No.")), "never"));
      unborn.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.STOP, "out of budget"));
      Task task = NS.client().resource(unborn).create();

      Task failed = world.awaitPhase(task, TaskPhase.FAILED);

      assertThat(condition(failed, "Succeeded").getReason()).isEqualTo("Stopped");
      assertThat(condition(failed, "Succeeded").getMessage())
          .isEqualTo("Stopped on request (kubetask.io/stop: out of budget).");
      assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
      assertThat(failed.getStatus().jobName()).isNull();
      // A Task started and completed afterwards proves the watches would have seen a Job.
      Task control = world.create("control", "never");
      world.awaitPhase(control, TaskPhase.COMPLETED);
      await()
          .atMost(TIMEOUT)
          .until(() -> created.stream().anyMatch(n -> n.startsWith("Job control-")));
      assertThat(created).noneMatch(n -> n.contains("unborn"));
    }
  }

  private static <T extends HasMetadata> Watcher<T> recorder(List<String> created) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        if (action == Action.ADDED) {
          created.add(object.getKind() + " " + object.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private static List<Event> events(Task task) {
    return NS
        .client()
        .v1()
        .events()
        .inNamespace(task.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> task.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  private static boolean isWarning(Event event, String reason) {
    return "Warning".equals(event.getType()) && reason.equals(event.getReason());
  }

  private static ScheduleClient schedules() {
    WorkflowClient temporal = KubeTaskSystem.get().temporal();
    return ScheduleClient.newInstance(
        temporal.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder()
            .setNamespace(temporal.getOptions().getNamespace())
            .build());
  }

  private static List<Task> cronTasks(String cronTask) {
    return NS.client()
        .resources(Task.class)
        .inNamespace(NS.name())
        .withLabel(KubeTaskLabels.CRONTASK, cronTask)
        .list()
        .getItems();
  }
}
