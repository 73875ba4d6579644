package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the keep-alive wrapper with a real {@code sh}, as the agent container does, and with bash,
 * which is {@code /bin/sh} in many images (Debian's sh is dash).
 */
@Timeout(60)
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"sh", "bash"})
class KeepAliveScriptTest {
  private static final Duration PROMPT = Duration.ofSeconds(5);

  @Parameter String shell;
  private final List<Process> started = new ArrayList<>();
  private final List<ProcessHandle> agents = new ArrayList<>();

  @TempDir Path tmp;
  private Path stateDir;
  private Path podInfoDir;
  private Path stdout;

  @BeforeEach
  void dirs() throws IOException {
    stateDir = Files.createDirectory(tmp.resolve("state"));
    podInfoDir = Files.createDirectory(tmp.resolve("pod"));
    stdout = tmp.resolve("stdout");
  }

  /** Leaves no agent behind, even when the wrapper did not pass a signal on. */
  @AfterEach
  void killAll() throws InterruptedException {
    for (Process p : started) {
      p.descendants().forEach(agents::add);
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    agents.forEach(ProcessHandle::destroyForcibly);
  }

  private Process start(int keepAliveSeconds, String... argv) throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            shell,
            "-c",
            KeepAlive.script(stateDir.toString(), podInfoDir.toString()),
            "kubetask-agent"));
    command.addAll(List.of(argv));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put(KeepAlive.ENV, Integer.toString(keepAliveSeconds));
    pb.environment().remove("TASK_NAME");
    pb.redirectOutput(stdout.toFile());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** Starts the wrapper with the release annotation already there: no window, for argv tests. */
  private Process startReleased(String... argv) throws IOException {
    Files.writeString(
        podInfoDir.resolve(KeepAlive.ANNOTATIONS_FILE), "kubetask.io/release=\"true\"\n");
    return start(300, argv);
  }

  /** SIGTERM to the wrapper only, as the kubelet does; its children are remembered for cleanup. */
  private void terminate(Process p) {
    p.descendants().forEach(agents::add);
    p.destroy();
  }

  private Path exitCodeFile() {
    return stateDir.resolve(KeepAlive.EXIT_CODE_FILE);
  }

  /** Waits, bounded, until the agent command has ended and the wrapper recorded its code. */
  private void awaitAgentDone(Process p) throws InterruptedException {
    long deadline = System.nanoTime() + PROMPT.toNanos();
    while (!Files.exists(exitCodeFile()) && System.nanoTime() < deadline && p.isAlive()) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertThat(exitCodeFile()).as("exit-code file").exists();
  }

  private String out() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  private static void finish(Process p, Duration within) throws InterruptedException {
    boolean ended = p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(ended).as("wrapper ended within %s", within).isTrue();
  }

  @Test
  void successIsPropagatedAfterTheWindow() throws Exception {
    long started = System.nanoTime();
    Process p = start(1, "true");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isZero();
    // The window held the container for at least one poll of the loop.
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(Files.readString(exitCodeFile()).trim()).isEqualTo("0");
    assertThat(out()).contains("the agent exited with code 0");
  }

  @Test
  void failureIsPropagatedAfterTheWindow() throws Exception {
    Process p = start(1, "sh", "-c", "exit 7");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isEqualTo(7);
    assertThat(Files.readString(exitCodeFile()).trim()).isEqualTo("7");
  }

  @Test
  void commandNotFoundIsTheAgentsCode127() throws Exception {
    Process p = startReleased("/nonexistent/agent", "--flag");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isEqualTo(127);
    assertThat(Files.readString(exitCodeFile()).trim()).isEqualTo("127");
  }

  @Test
  void agentKilledBySignalIsRecorded() throws Exception {
    Process p = startReleased("sh", "-c", "kill -KILL $$");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isEqualTo(137);
  }

  @Test
  void theAgentKeepsTheContainersStdin() throws Exception {
    Process p = startReleased("sh", "-c", "read line; echo \"got: $line\"");
    try (var in = p.getOutputStream()) {
      in.write("hello\n".getBytes(StandardCharsets.UTF_8));
    }
    finish(p, Duration.ofSeconds(10));

    assertThat(out()).startsWith("got: hello\n");
  }

  @Test
  void argvRunsExactlyAsGivenThroughAShell() throws Exception {
    Process p = startReleased("sh", "-c", "printf '%s\\n' \"it's $(echo quoted)\"");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isZero();
    assertThat(out()).startsWith("it's quoted\n");
  }

  @Test
  void argumentsWithSpacesQuotesAndShellCharactersAreNotReinterpreted() throws Exception {
    Process p =
        startReleased(
            "printf",
            "[%s]\\n",
            "a  b",
            "it's",
            "say \"hi\"",
            "$HOME",
            "*",
            "",
            "$(echo no)",
            "a\nb");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isZero();
    assertThat(out())
        .startsWith("[a  b]\n[it's]\n[say \"hi\"]\n[$HOME]\n[*]\n[]\n[$(echo no)]\n[a\nb]\n");
  }

  @Test
  void exitCodeFileIsWrittenWhenTheAgentEndsWhileTheWindowIsOpen() throws Exception {
    Process p = start(300, "sh", "-c", "exit 4");
    awaitAgentDone(p);
    assertThat(Files.readString(exitCodeFile()).trim()).isEqualTo("4");
    assertThat(p.isAlive()).as("the window holds the container").isTrue();
  }

  @Test
  void noExitCodeFileWhileTheAgentRuns() throws Exception {
    Path started = tmp.resolve("started");
    Path gate = tmp.resolve("gate");
    Process p =
        start(
            300,
            "sh",
            "-c",
            "touch '" + started + "'; while [ ! -f '" + gate + "' ]; do sleep 0.05; done; exit 3");
    long deadline = System.nanoTime() + PROMPT.toNanos();
    while (!Files.exists(started) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertThat(started).exists();
    // The agent is blocked on the gate: the readiness probe must stay red.
    assertThat(exitCodeFile()).doesNotExist();
    Files.writeString(gate, "go");
    awaitAgentDone(p);
    assertThat(Files.readString(exitCodeFile()).trim()).isEqualTo("3");
  }

  @Test
  void releaseAnnotationEndsTheWindowEarlyWithTheAgentsCode() throws Exception {
    Process p = start(300, "sh", "-c", "exit 5");
    awaitAgentDone(p);
    Files.writeString(
        podInfoDir.resolve(KeepAlive.ANNOTATIONS_FILE),
        "kubernetes.io/config.seen=\"2025-01-01T00:00:00Z\"\nkubetask.io/release=\"true\"\n");
    long released = System.nanoTime();

    finish(p, PROMPT);
    assertThat(p.exitValue()).isEqualTo(5);
    assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(PROMPT);
    assertThat(out()).contains("kubetask: released");
  }

  @Test
  void otherAnnotationsDoNotEndTheWindow() throws Exception {
    Process p = start(300, "true");
    awaitAgentDone(p);
    Files.writeString(
        podInfoDir.resolve(KeepAlive.ANNOTATIONS_FILE),
        "kubetask.io/released-by=\"x\"\nexample.com/kubetask.io/release=\"true\"\n");
    // Two polls of the loop.
    assertThat(p.waitFor(2500, TimeUnit.MILLISECONDS)).isFalse();
    Files.writeString(
        podInfoDir.resolve(KeepAlive.ANNOTATIONS_FILE), "kubetask.io/release=\"yes\"\n");
    finish(p, PROMPT);
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void windowExpiresWithTheAgentsCode() throws Exception {
    long started = System.nanoTime();
    Process p = start(2, "sh", "-c", "exit 9");
    finish(p, Duration.ofSeconds(10));

    assertThat(p.exitValue()).isEqualTo(9);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(out()).doesNotContain("kubetask: released");
  }

  @Test
  void sigtermDuringTheWindowExitsWithTheAgentsCode() throws Exception {
    Process p = start(300, "sh", "-c", "exit 6");
    awaitAgentDone(p);
    long terminated = System.nanoTime();
    terminate(p);

    finish(p, PROMPT);
    assertThat(p.exitValue()).isEqualTo(6);
    assertThat(Duration.ofNanos(System.nanoTime() - terminated)).isLessThan(PROMPT);
  }

  /**
   * Kubernetes sends SIGTERM to the container's PID 1, the wrapper (the Job was deleted, e.g. by
   * stop): the agent gets it too, as it would without the wrapper, so it can stop cleanly, and the
   * wrapper ends with the agent's code instead of opening the window.
   */
  @Test
  void sigtermWhileTheAgentRunsReachesTheAgent() throws Exception {
    Path started = tmp.resolve("started");
    Process p =
        start(
            300,
            "sh",
            "-c",
            "trap 'echo agent-got-term; exit 42' TERM; touch '"
                + started
                + "'; while :; do sleep 0.1; done");
    long deadline = System.nanoTime() + PROMPT.toNanos();
    while (!Files.exists(started) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    terminate(p);
    finish(p, PROMPT);
    assertThat(out()).contains("agent-got-term").doesNotContain("the container stays");
    assertThat(p.exitValue()).isEqualTo(42);
    assertThat(Files.readString(exitCodeFile()).trim()).isEqualTo("42");
  }

  @Test
  void sigtermDuringTheWindowAfterSuccessExitsZero() throws Exception {
    Process p = start(300, "true");
    awaitAgentDone(p);
    terminate(p);

    finish(p, PROMPT);
    assertThat(p.exitValue()).isZero();
  }
}
