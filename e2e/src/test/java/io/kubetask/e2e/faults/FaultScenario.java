package io.kubetask.e2e.faults;

import static io.kubetask.e2e.support.TaskWorld.closingTime;
import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.support.TaskWorld.configMapKey;
import static io.kubetask.e2e.support.TaskWorld.instant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Approval;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.e2e.faults.Ledger.TaskRecord;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tasks at every point of their life when something is killed, what the test does while it is down,
 * and the end state each Task must reach once it is back.
 *
 * <p>At the moment of the fault there are Tasks blocked on a missing ConfigMap (before their Job
 * exists), Tasks whose agent runs, Tasks inside their keep-alive window (one to be released with
 * exit code 0, one with 5, one whose short window expires during the outage), finished Tasks
 * waiting for a short TTL (in a namespace of their own whose KubeTaskConfig says 15 s; it expires
 * during the outage) and a running Task that is deleted during the outage. During the outage more
 * Tasks are created, the missing ConfigMap appears, a running Task's context ConfigMap is deleted
 * and its Agent changed (a workflow that starts again must adopt its Job, never resolve them
 * again), the running agents end (their pods are released directly, as if the agent exited), and
 * the windows are released. Once the component is back every Task must reach its end state with
 * exactly one Job and one pod ever.
 */
final class FaultScenario {
  static final int SHORT_WINDOW_SECONDS = 15;
  static final int TTL_SECONDS = 15;
  private static final String IMAGE = "example.com/agent:1";
  private static final String LATE_CONFIG_MAP = "late-input";
  private static final String RUNNING_BRIEF = "running-brief";

  /** Where a Task was in its life when the fault hit. */
  enum Point {
    CREATED_DURING_OUTAGE,
    BEFORE_JOB_EXISTS,
    /** Waiting for the one slot of its Agent, or running in it. */
    QUEUED,
    /** Waiting for a person's approval, which comes during the outage. */
    AWAITING_APPROVAL,
    RUNNING,
    IN_KEEP_ALIVE_WINDOW,
    WAITING_FOR_TTL,
    DELETED_DURING_OUTAGE
  }

  /**
   * What becomes of a Task: a final phase, with the agent's exit code when it failed, or deletion.
   */
  record Expected(TaskPhase phase, Integer exitCode, boolean deleted) {
    static final Expected COMPLETED = new Expected(TaskPhase.COMPLETED, null, false);
    static final Expected DELETED = new Expected(null, null, true);

    static Expected failed(int exitCode) {
      return new Expected(TaskPhase.FAILED, exitCode, false);
    }

    @Override
    public String toString() {
      return deleted ? "deleted" : phase + (exitCode == null ? "" : " (exit " + exitCode + ")");
    }
  }

  private record Case(Point point, TaskWorld world, Expected expected) {}

  private final TaskWorld run;
  private final TaskWorld ttl;
  private final Ledger ledger;
  private final String taskQueue;
  private final Duration timeout;
  private final Map<String, Case> cases = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Map<String, String> runIdsAtFault = new LinkedHashMap<>();
  private Instant lastDeadline;
  private Instant mustFaultBefore;

  /**
   * @param run the namespace of every Task but those waiting for their TTL (default TTL: 7 days)
   * @param ttl the namespace of the Tasks waiting for their TTL
   * @param taskQueue the task queue of the operator and worker under test
   */
  FaultScenario(TaskWorld run, TaskWorld ttl, Ledger ledger, String taskQueue, Duration timeout) {
    this.run = run;
    this.ttl = ttl;
    this.ledger = ledger;
    this.taskQueue = taskQueue;
    this.timeout = timeout;
  }

  /**
   * Creates the Agents and the Tasks that live before the fault, and waits until each is where it
   * should be.
   */
  void arm() {
    run.agent("quick", AgentSpecs.image(IMAGE).runs("1s"));
    run.agent("agent", AgentSpecs.image(IMAGE).hangs());
    run.agent(
        "agent-exit-3", AgentSpecs.image(IMAGE).hangs().label("kubetask.test/exit-code", "3"));
    run.agent("window", window(3600));
    run.agent("window-exit-5", window(3600).label("kubetask.test/exit-code", "5"));
    run.agent("window-short", window(SHORT_WINDOW_SECONDS));
    run.agent("one-slot", AgentSpecs.image(IMAGE).runs("3s").maxConcurrentTasks(1));
    ttl.agent("quick", AgentSpecs.image(IMAGE).runs("1s"));
    ttl.ttl(TTL_SECONDS);

    for (String name : List.of("blocked-1", "blocked-2")) {
      create(
          name,
          Point.BEFORE_JOB_EXISTS,
          run,
          "quick",
          Expected.COMPLETED,
          configMapKey("/workspace/input.md", LATE_CONFIG_MAP, "input.md"));
    }
    run.configMap(RUNNING_BRIEF, Map.of("brief.md", "Copied into the Task when it started.\n"));
    create(
        "running",
        Point.RUNNING,
        run,
        "agent",
        Expected.COMPLETED,
        configMapKey("/workspace/brief.md", RUNNING_BRIEF, "brief.md"));
    create("running-exit-3", Point.RUNNING, run, "agent-exit-3", Expected.failed(3));
    create("window-released", Point.IN_KEEP_ALIVE_WINDOW, run, "window", Expected.COMPLETED);
    create(
        "window-released-exit-5",
        Point.IN_KEEP_ALIVE_WINDOW,
        run,
        "window-exit-5",
        Expected.failed(5));
    create("deleted", Point.DELETED_DURING_OUTAGE, run, "agent", Expected.DELETED);
    Task approval =
        run.client()
            .resource(
                new Task(
                    run.ns(),
                    "approval",
                    new TaskSpec(
                        List.of(TaskWorld.inline("/workspace/task.md", "Approve me.")),
                        "quick",
                        null,
                        null,
                        null,
                        new Approval(true, null))))
            .create();
    cases.put("approval", new Case(Point.AWAITING_APPROVAL, run, Expected.COMPLETED));
    tasks.put("approval", approval);
    await()
        .atMost(timeout)
        .until(
            () -> condition(run.get(approval), "Ready"),
            c -> c != null && "AwaitingApproval".equals(c.getReason()));
    for (String name : names(Point.BEFORE_JOB_EXISTS)) {
      await()
          .atMost(timeout)
          .until(
              () -> condition(run.get(name), "Ready"),
              c -> c != null && "ContextNotFound".equals(c.getReason()));
    }
    for (String name : names(Point.RUNNING, Point.DELETED_DURING_OUTAGE)) {
      await()
          .atMost(timeout)
          .until(
              () -> run.pods(tasks.get(name)),
              pods -> pods.size() == 1 && "Running".equals(pods.get(0).getStatus().getPhase()));
    }
    for (String name : names(Point.IN_KEEP_ALIVE_WINDOW)) {
      run.awaitCondition(tasks.get(name), "HumanInTheLoop", "True");
    }

    // Last, as their clocks run: the window that expires and the TTLs, both during the outage.
    create("window-expires", Point.IN_KEEP_ALIVE_WINDOW, run, "window-short", Expected.COMPLETED);
    create("ttl-1", Point.WAITING_FOR_TTL, ttl, "quick", Expected.DELETED);
    create("ttl-2", Point.WAITING_FOR_TTL, ttl, "quick", Expected.DELETED);
    Task window = run.awaitCondition(tasks.get("window-expires"), "HumanInTheLoop", "True");
    List<Instant> deadlines = new ArrayList<>();
    Instant closes = closingTime(condition(window, "HumanInTheLoop").getMessage());
    deadlines.add(closes);
    for (String name : names(Point.WAITING_FOR_TTL)) {
      Task done = ttl.awaitPhase(tasks.get(name), TaskPhase.COMPLETED);
      Task waiting =
          await()
              .atMost(timeout)
              .until(() -> ttl.get(done), t -> t.getStatus().expirationTime() != null);
      deadlines.add(instant(waiting.getStatus().expirationTime()));
    }
    mustFaultBefore =
        deadlines.stream().min(Comparator.naturalOrder()).orElseThrow().minusSeconds(2);
    // A queue that takes 15 s to drain: the fault hits it in the middle.
    for (int i = 1; i <= 5; i++) {
      create("queued-" + i, Point.QUEUED, run, "one-slot", Expected.COMPLETED);
    }
    run.awaitPhase(tasks.get("queued-5"), TaskPhase.QUEUED);
    lastDeadline = deadlines.stream().max(Comparator.naturalOrder()).orElseThrow();

    for (String name : tasks.keySet()) {
      WorkflowExecutionDescription wf = workflow(name);
      assertThat(wf.getTaskQueue())
          .as(
              "task queue of %s: another KubeTask operator reconciles this namespace; stop it"
                  + " (for example hack/stack's: kill $(cat .stack/pids/operator.pid))",
              name)
          .isEqualTo(taskQueue);
      runIdsAtFault.put(name, wf.getExecution().getRunId());
    }
  }

  /** Fails unless every Task is still where {@link #arm} put it: call right before the fault. */
  void assertStillArmed() {
    assertThat(Instant.now())
        .as(
            "the short window and the TTLs must not run out before the fault (a very slow machine?)")
        .isBefore(mustFaultBefore);
  }

  /** What happens while the component is down. */
  void duringOutage() {
    for (String name : List.of("created-1", "created-2")) {
      create(name, Point.CREATED_DURING_OUTAGE, run, "quick", Expected.COMPLETED);
    }
    run.configMap(LATE_CONFIG_MAP, Map.of("input.md", "It arrived during the outage.\n"));
    run.annotate(tasks.get("approval"), KubeTaskAnnotations.APPROVE, "true");
    // Legitimate while its Task runs: the content was copied when it started.
    run.client().configMaps().inNamespace(run.ns()).withName(RUNNING_BRIEF).delete();
    run.agent("agent", AgentSpecs.image("example.com/other-agent:2").hangs());
    for (String name : List.of("window-released", "window-released-exit-5")) {
      run.annotate(tasks.get(name), KubeTaskAnnotations.RELEASE, "true");
    }
    // The agents end by themselves: kwok ends a pod with this annotation, with its exit code label.
    for (String name : names(Point.RUNNING)) {
      for (Pod pod : run.pods(tasks.get(name))) {
        run.client()
            .pods()
            .inNamespace(run.ns())
            .withName(pod.getMetadata().getName())
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\""
                    + KubeTaskAnnotations.RELEASE
                    + "\":\"true\"}}}");
      }
    }
    run.client().resource(tasks.get("deleted")).delete();
  }

  /**
   * Waits until the agents that ended during the outage have finished Jobs, and every deadline
   * passed.
   */
  void awaitOutageEffects() {
    for (String name : names(Point.RUNNING)) {
      await()
          .atMost(timeout)
          .until(
              () -> run.jobs(tasks.get(name)),
              jobs -> jobs.size() == 1 && TaskWorld.jobFinished(jobs.get(0)));
    }
    Instant after = lastDeadline.plusSeconds(1);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> Instant.now().isAfter(after));
  }

  /** The Task of this name (as created). */
  Task task(String name) {
    return tasks.get(name);
  }

  /** Waits until every Task reached its end state. */
  void awaitEndStates() {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<String> pending = new ArrayList<>();
              for (var e : cases.entrySet()) {
                TaskRecord record = ledger.task(tasks.get(e.getKey()).getMetadata().getUid());
                Expected expected = e.getValue().expected();
                boolean reached =
                    expected.deleted()
                        ? record != null && record.deleted
                        : record != null && record.finalPhase() == expected.phase();
                if (!reached) {
                  pending.add(
                      e.getKey()
                          + " ("
                          + (record == null ? "not seen" : record.phases())
                          + ", want "
                          + expected
                          + ")");
                }
              }
              assertThat(pending).as("Tasks not at their end state yet").isEmpty();
            });
  }

  /**
   * Checks each Task's end state in detail.
   *
   * @param sameWorkflows whether every workflow must still be the run it was at the fault (false
   *     when Temporal lost its state and the operator started them again)
   */
  void assertEndStates(boolean sameWorkflows) {
    Set<String> queued =
        names(Point.QUEUED).stream()
            .map(n -> tasks.get(n).getMetadata().getUid())
            .collect(Collectors.toSet());
    assertThat(ledger.mostJobsAtOnce(queued))
        .as("Jobs of the Agent with one slot that existed unfinished at once")
        .isEqualTo(1);
    for (var e : cases.entrySet()) {
      String name = e.getKey();
      Task created = tasks.get(name);
      String uid = created.getMetadata().getUid();
      TaskRecord record = ledger.task(uid);
      Expected expected = e.getValue().expected();
      assertThat(ledger.jobsOf(uid)).as("Jobs ever created for %s", name).hasSize(1);
      assertThat(ledger.podsOf(uid)).as("pods ever created for %s", name).hasSize(1);
      assertThat(record.phases()).as("phases of %s", name).doesNotHaveDuplicates();
      Task last = record.last;
      if (expected.exitCode() != null) {
        assertThat(condition(last, "Succeeded").getMessage())
            .as("%s", name)
            .contains("exited with code " + expected.exitCode());
      }
      if (e.getValue().point() == Point.IN_KEEP_ALIVE_WINDOW) {
        assertThat(condition(last, "HumanInTheLoop"))
            .as("window of %s", name)
            .extracting(Condition::getStatus, Condition::getReason)
            .containsExactly("False", "WindowClosed");
        // Also when a new workflow opened it again: the window closes when it always did.
        assertThat(record.openWindowMessages().stream().map(TaskWorld::closingTime).distinct())
            .as("closing times the open window of %s gave", name)
            .hasSize(1);
      }
      if (e.getValue().point() == Point.WAITING_FOR_TTL) {
        Instant completion = instant(last.getStatus().completionTime());
        Instant expiration = instant(last.getStatus().expirationTime());
        assertThat(Duration.between(completion, expiration))
            .as("TTL of %s", name)
            .isEqualTo(Duration.ofSeconds(TTL_SECONDS));
        assertThat(record.deletionTimestamp)
            .as("deleted at (not before its expirationTime) %s", name)
            .isAfterOrEqualTo(expiration.truncatedTo(ChronoUnit.SECONDS));
        assertThat(last.getStatus().phase()).isEqualTo(TaskPhase.COMPLETED);
      }
      if (expected.deleted()) {
        assertThat(e.getValue().world().jobs(created)).as("Jobs of %s", name).isEmpty();
        assertThat(e.getValue().world().pods(created)).as("pods of %s", name).isEmpty();
      }
      String runId = runIdsAtFault.get(name);
      if (runId != null && !(expected.deleted() && !sameWorkflows && !workflowExists(name))) {
        WorkflowExecutionDescription wf = awaitWorkflowSettled(name);
        if (sameWorkflows) {
          assertThat(wf.getExecution().getRunId()).as("workflow run of %s", name).isEqualTo(runId);
        } else {
          assertThat(wf.getExecution().getRunId())
              .as("workflow run of %s", name)
              .isNotEqualTo(runId);
        }
        if (e.getValue().point() == Point.DELETED_DURING_OUTAGE && sameWorkflows) {
          assertThat(wf.getStatus())
              .as("workflow of %s", name)
              .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
        }
      }
    }
  }

  private boolean workflowExists(String name) {
    try {
      workflow(name);
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  /** The latest run of the Task's workflow, once a deleted Task's run has closed. */
  private WorkflowExecutionDescription awaitWorkflowSettled(String name) {
    boolean gone = cases.get(name).expected().deleted();
    return await()
        .atMost(timeout)
        .until(
            () -> workflow(name),
            wf ->
                !gone
                    || wf.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  /** How many Tasks the scenario drives, by where they were at the fault, and how they ended. */
  String report() {
    Map<Point, Long> byPoint =
        cases.values().stream()
            .collect(
                Collectors.groupingBy(
                    Case::point, () -> new EnumMap<>(Point.class), Collectors.counting()));
    Map<String, Long> outcomes = new TreeMap<>();
    for (var e : cases.entrySet()) {
      TaskRecord record = ledger.task(tasks.get(e.getKey()).getMetadata().getUid());
      String outcome =
          record == null
              ? "not seen"
              : e.getValue().expected().deleted()
                  ? (record.deleted ? "deleted" : "not deleted")
                  : String.valueOf(record.finalPhase());
      outcomes.merge(outcome, 1L, Long::sum);
    }
    return cases.size() + " Tasks " + byPoint + " -> " + outcomes + ", one Job and one pod each";
  }

  private Task create(
      String name,
      Point point,
      TaskWorld world,
      String agent,
      Expected expected,
      io.kubetask.api.v1alpha1.Context... contexts) {
    Task task =
        contexts.length == 0 ? world.create(name, agent) : world.create(name, agent, contexts);
    cases.put(name, new Case(point, world, expected));
    tasks.put(name, task);
    return task;
  }

  private List<String> names(Point... points) {
    List<Point> wanted = List.of(points);
    return cases.entrySet().stream()
        .filter(e -> wanted.contains(e.getValue().point()))
        .map(Map.Entry::getKey)
        .toList();
  }

  private WorkflowExecutionDescription workflow(String name) {
    return cases.get(name).world().workflow(tasks.get(name));
  }

  private static AgentSpecs window(int keepAliveSeconds) {
    return AgentSpecs.image(IMAGE)
        .command("run-agent", "--task", "/workspace/task.md")
        .keepAlive(keepAliveSeconds)
        .hangs();
  }
}
