package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.support.TaskWorld.closingTime;
import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.support.TaskWorld.instant;
import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.kubetask.workflows.task.KeepAlive;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The human-in-the-loop window on the real stack. kwok stands in for the wrapper: its pod-ready
 * stage makes the pod Ready at once (as the wrapper's probe does when the agent command ends), a
 * {@code hang} pod then stays Running like the keep-alive sleep, and the {@code
 * kubetask.io/release} annotation on the pod ends it with the exit code of its {@code
 * kubetask.test/exit-code} label, as the wrapper exits with the agent's code. The wrapper itself
 * runs under a real shell in {@code KeepAliveScriptTest}.
 */
class HumanInTheLoopE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  /** A command with quotes, $(...) and an argument with spaces: it must reach the pod as is. */
  static final List<String> ARGV =
      List.of("sh", "-c", "echo \"it's $(date +%s)\" > '/workspace/out file' && exit \"$0\"", "0");

  private static TaskWorld world;

  @BeforeAll
  static void start() {
    KubeTaskSystem system = KubeTaskSystem.get();
    world = system.world(NS.name());
    NS.awaitDefaultServiceAccount();
  }

  private static AgentSpecs keepAliveAgent(int seconds) {
    return AgentSpecs.image("example.com/agent:1")
        .command(ARGV.toArray(String[]::new))
        .keepAlive(seconds)
        .hangs();
  }

  @Test
  void windowOpensWithItsClosingTimeAndAReleaseCompletesTheTask() {
    world.agent("hitl", keepAliveAgent(1800));
    Task task = world.create("released", "hitl");

    Instant before = Instant.now();
    Task open = world.awaitCondition(task, "HumanInTheLoop", "True");
    assertThat(open.getStatus().phase()).isEqualTo(TaskPhase.RUNNING);
    Condition window = condition(open, "HumanInTheLoop");
    assertThat(window.getReason()).isEqualTo("WindowOpen");
    Instant closes = closingTime(window.getMessage());
    assertThat(closes)
        .isBetween(before.plusSeconds(1800 - 60), Instant.now().plusSeconds(1800 + 5));
    assertThat(window.getMessage())
        .contains("kubectl annotate task released -n " + NS.name() + " kubetask.io/release=true");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(world.eventReasons(open)).contains("WindowOpen"));

    Container agent = world.job(open).getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> wrapped =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                KeepAlive.script(KeepAlive.STATE_DIR, KeepAlive.POD_INFO_DIR),
                "kubetask-agent"));
    wrapped.addAll(ARGV);
    assertThat(agent.getCommand()).as("sh -c <script> kubetask-agent <argv...>").isEqualTo(wrapped);
    assertThat(agent.getArgs()).isEmpty();
    assertThat(agent.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(org.assertj.core.groups.Tuple.tuple("KUBETASK_KEEP_ALIVE_SECONDS", "1800"));
    assertThat(agent.getReadinessProbe().getExec().getCommand()).isEqualTo(KeepAlive.probe());
    assertThat(world.pods(open))
        .singleElement()
        .satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));

    // The documented command, as a human types it.
    NS.kubectl()
        .run("annotate", "task", "released", "-n", NS.name(), "kubetask.io/release=true")
        .ok();

    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    assertThat(condition(done, "Succeeded").getStatus()).isEqualTo("True");
    Condition closed = condition(done, "HumanInTheLoop");
    assertThat(closed.getStatus()).isEqualTo("False");
    assertThat(closed.getReason()).isEqualTo("WindowClosed");
    assertThat(instant(done.getStatus().completionTime())).isBefore(closes);
    Pod pod = world.pods(done).get(0);
    assertThat(pod.getMetadata().getAnnotations()).containsKey(KubeTaskAnnotations.RELEASE);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
  }

  @Test
  void theFinalPhaseIsTheAgentsExitCodeNotTheKeepAlives() {
    world.agent("hitl-exit-7", keepAliveAgent(1800).label("kubetask.test/exit-code", "7"));
    Task task = world.create("exits-7", "hitl-exit-7");
    world.awaitCondition(task, "HumanInTheLoop", "True");

    world.annotate(task, KubeTaskAnnotations.RELEASE, "true");

    Task done = world.awaitPhase(task, TaskPhase.FAILED);
    Condition succeeded = condition(done, "Succeeded");
    assertThat(succeeded.getStatus()).isEqualTo("False");
    assertThat(succeeded.getMessage()).contains("exited with code 7");
    assertThat(condition(done, "HumanInTheLoop").getStatus()).isEqualTo("False");
  }

  @Test
  void theWindowExpiresWithoutARelease() {
    world.agent("hitl-short", keepAliveAgent(5));
    Task task = world.create("expires", "hitl-short");

    Task open = world.awaitCondition(task, "HumanInTheLoop", "True");
    Instant closes = closingTime(condition(open, "HumanInTheLoop").getMessage());
    // The window closes keepAliveSeconds after the agent ended, which is when its pod turned Ready.
    Instant ready =
        world.pods(open).get(0).getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
            .map(c -> instant(c.getLastTransitionTime()))
            .findFirst()
            .orElseThrow();
    assertThat(closes).isEqualTo(ready.plusSeconds(5));

    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    assertThat(Optional.ofNullable(done.getMetadata().getAnnotations()).orElse(Map.of()))
        .doesNotContainKey(KubeTaskAnnotations.RELEASE);
    // Seconds in completionTime: compare with the window's closing second.
    assertThat(instant(done.getStatus().completionTime())).isAfterOrEqualTo(closes.minusSeconds(1));
    assertThat(condition(done, "HumanInTheLoop"))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "WindowClosed");
  }

  @Test
  void aStopInsideTheWindowClosesIt() {
    world.agent("hitl-stopped", keepAliveAgent(1800));
    Task task = world.create("stopped", "hitl-stopped");
    Task open = world.awaitCondition(task, "HumanInTheLoop", "True");

    world.annotate(task, KubeTaskAnnotations.STOP, "NotNeeded");

    Task done = world.awaitPhase(task, TaskPhase.FAILED);
    assertThat(condition(done, "Succeeded").getReason()).isEqualTo("NotNeeded");
    assertThat(condition(done, "HumanInTheLoop"))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "WindowClosed");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(world.job(open)).isNull();
              assertThat(world.pods(done)).isEmpty();
            });
  }

  @Test
  void anAgentWithoutTheWindowRunsItsCommandUnwrapped() {
    world.agent(
        "plain", AgentSpecs.image("example.com/agent:1").command(ARGV.toArray(String[]::new)));
    Task done = world.awaitPhase(world.create("plain", "plain"), TaskPhase.COMPLETED);

    Job job = world.job(done);
    Container agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(agent.getCommand()).isEqualTo(ARGV);
    assertThat(agent.getReadinessProbe()).isNull();
    assertThat(agent.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("KUBETASK_KEEP_ALIVE_SECONDS");
    assertThat(condition(done, "HumanInTheLoop")).isNull();
  }
}
