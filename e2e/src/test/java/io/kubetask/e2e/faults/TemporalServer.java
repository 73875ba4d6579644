package io.kubetask.e2e.faults;

import io.kubetask.e2e.support.Stack;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The stack's Temporal dev server, killed and brought back the way {@code hack/stack} knows: its
 * pid is in {@code .stack/pids/temporal.pid}, its SQLite file is {@code .stack/temporal.db}, and
 * {@code hack/stack up} starts whatever of the stack is not running. Every other process that uses
 * the dev server notices the outage; {@link #up()} leaves it healthy, with KubeTask's search
 * attributes registered.
 */
final class TemporalServer {
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);

  private final Stack stack;
  private final Path stackDir;
  private final Path log;

  TemporalServer(Stack stack, Path log) {
    this.stack = stack;
    this.stackDir =
        stack
            .setting("KUBETASK_STACK_DIR")
            .map(Path::of)
            .orElse(stack.repoRoot().resolve(".stack"));
    this.log = log;
  }

  /** SIGKILL to the dev server (and anything it started); its SQLite file stays. */
  void kill() {
    ProcessHandle server =
        pid()
            .flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            .orElseThrow(
                () ->
                    new AssertionError("the Temporal dev server does not run (hack/stack status)"));
    List<ProcessHandle> all = new java.util.ArrayList<>(server.descendants().toList());
    all.add(server);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("Temporal dev server process " + p.pid() + " survived SIGKILL", e);
      }
    }
  }

  /** Kills the dev server and deletes its database: every workflow and schedule is lost. */
  void wipe() {
    kill();
    try (var files = Files.list(stackDir)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("temporal.db")).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code hack/stack up}: starts the dev server again (only what is down), then registers
   * KubeTask's search attributes.
   */
  void up() {
    try {
      Files.createDirectories(log.getParent());
      Process up =
          new ProcessBuilder(stack.repoRoot().resolve("hack/stack").toString(), "up")
              .directory(stack.repoRoot().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!up.waitFor(UP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        up.destroyForcibly();
        throw new AssertionError("hack/stack up took longer than " + UP_TIMEOUT + ":\n" + tail());
      }
      if (up.exitValue() != 0) {
        throw new AssertionError("hack/stack up exited with " + up.exitValue() + ":\n" + tail());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    registerSearchAttributes();
  }

  /** Whether the server's pid file names a live process. */
  boolean runs() {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * On a connection of its own: a long-lived one (such as {@link Stack#temporal()}) that saw the
   * server go away fails its calls for a while after the server is back, until its reconnection
   * back-off has passed.
   */
  private void registerSearchAttributes() {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporalAddress()).build());
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              stubs,
              WorkflowClientOptions.newBuilder().setNamespace(stack.temporalNamespace()).build());
      new SearchAttributeRegistrar(client).register();
    } finally {
      stubs.shutdown();
    }
  }

  private Optional<Long> pid() {
    Path file = stackDir.resolve("pids/temporal.pid");
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Long.parseLong(Files.readString(file).trim()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
