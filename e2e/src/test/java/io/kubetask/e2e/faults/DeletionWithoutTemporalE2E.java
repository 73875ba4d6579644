package io.kubetask.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a Task, a CronTask and a whole namespace while the Temporal dev server is down (killed
 * with SIGKILL): each finalizer waits for Temporal at most KUBETASK_FINALIZER_TIMEOUT_SECONDS, then
 * lets its object go with a TemporalUnreachable Warning Event; once Temporal is back, the deleted
 * Task's workflow ends by itself and the operator deletes the deleted CronTask's Schedule.
 */
@Tag("faults")
class DeletionWithoutTemporalE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final Duration TIMEOUT = Duration.ofSeconds(150);

  private static Stack stack;
  private static ChildKubeTask kubeTask;
  private static TemporalServer temporalServer;
  private static WorkflowClient temporal;
  private static String doomed;

  @BeforeAll
  static void start() {
    stack = NS.stack();
    stack.requireTemporal();
    doomed = NS.another("doomed");
    NS.awaitDefaultServiceAccount();
    NS.awaitDefaultServiceAccount(doomed);
    temporal = stack.temporal();
    kubeTask =
        ChildKubeTask.start(
            stack,
            Map.of(
                "KUBETASK_RESYNC_SECONDS",
                "10",
                "KUBETASK_FINALIZER_TIMEOUT_SECONDS",
                Long.toString(BOUND.toSeconds())),
            TIMEOUT,
            NS.name(),
            doomed);
    temporalServer = kubeTask.temporalServer;
  }

  @AfterAll
  static void stop() {
    if (kubeTask != null) {
      kubeTask.close();
    }
  }

  @Test
  void aTaskACronTaskAndANamespaceGoWithinTheBoundAndTemporalIsCleanedUpOnceItIsBack() {
    TaskWorld here = new TaskWorld(stack.client(), temporal, NS.name(), TIMEOUT);
    TaskWorld there = new TaskWorld(stack.client(), temporal, doomed, TIMEOUT);
    here.agent("hangs", AgentSpecs.image("example.com/agent:1").hangs());
    there.agent("hangs", AgentSpecs.image("example.com/agent:1").hangs());
    Task task = here.awaitPhase(here.create("running", "hangs"), TaskPhase.RUNNING);
    there.awaitPhase(there.create("inside", "hangs"), TaskPhase.RUNNING);
    stack
        .client()
        .resource(
            """
            apiVersion: kubetask.io/v1alpha1
            kind: CronTask
            metadata:
              name: nightly
            spec:
              schedule: "0 3 * * *"
              taskTemplate:
                spec:
                  agentRef: hangs
                  contexts:
                    - type: File
                      file:
                        filePath: /workspace/task.md
                        source:
                          inline: Nightly.
            """)
        .inNamespace(NS.name())
        .create();
    String scheduleId = "crontask/" + NS.name() + "/nightly";
    await("the CronTask's Schedule").atMost(TIMEOUT).until(() -> scheduleExists(scheduleId));
    String workflowId = task.getStatus().workflowId();

    temporalServer.kill();
    Instant deleted = Instant.now();
    stack.client().resource(task).delete();
    stack.client().resources(CronTask.class).inNamespace(NS.name()).withName("nightly").delete();
    stack.client().namespaces().withName(doomed).delete();

    Duration within = BOUND.plus(Duration.ofSeconds(30));
    await("the Task goes").atMost(within).until(() -> here.get(task) == null);
    await("the CronTask goes")
        .atMost(within)
        .until(
            () ->
                stack
                        .client()
                        .resources(CronTask.class)
                        .inNamespace(NS.name())
                        .withName("nightly")
                        .get()
                    == null);
    await("the namespace goes")
        .atMost(within.plus(Duration.ofSeconds(30)))
        .until(() -> stack.client().namespaces().withName(doomed).get() == null);
    Duration took = Duration.between(deleted, Instant.now());
    System.err.println(
        "DeletionWithoutTemporalE2E: a Task, a CronTask and a namespace gone "
            + took
            + " after their deletion, Temporal down, bound "
            + BOUND);
    assertThat(unreachableWarnings()).contains("Task running", "CronTask nightly");

    temporalServer.up();
    await("the deleted CronTask's Schedule is deleted once Temporal is back")
        .atMost(TIMEOUT)
        .until(() -> !scheduleExists(scheduleId));
    await("the deleted Task's workflow ends by itself")
        .atMost(TIMEOUT)
        .until(
            () -> status(workflowId) != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  private static List<String> unreachableWarnings() {
    return stack.client().v1().events().inNamespace(NS.name()).list().getItems().stream()
        .filter(e -> "TemporalUnreachable".equals(e.getReason()) && "Warning".equals(e.getType()))
        .map(DeletionWithoutTemporalE2E::about)
        .toList();
  }

  private static String about(Event event) {
    return event.getInvolvedObject().getKind() + " " + event.getInvolvedObject().getName();
  }

  private static boolean scheduleExists(String scheduleId) {
    return stack.schedules().listSchedules().anyMatch(s -> s.getScheduleId().equals(scheduleId));
  }

  private static WorkflowExecutionStatus status(String workflowId) {
    return temporal.newUntypedWorkflowStub(workflowId).describe().getStatus();
  }
}
