package io.kubetask.e2e.crontask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskTemplateMetadata;
import io.kubetask.api.v1alpha1.TaskTemplateSpec;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.Kubectl;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.kubetask.operator.crontask.TemporalScheduleGateway;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the CronTask suites share, as the one extension each registers:
 *
 * <pre>{@code
 * @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();
 * }</pre>
 *
 * <p>Before the first test it makes the suite's {@link TestNamespace}, starts (or joins) the
 * running KubeTask system and creates Agents whose pods kwok completes, fails or keeps running.
 * After the last test it deletes the CronTasks while the operator still runs, then the namespace.
 * In between it looks at CronTasks, their Tasks (through a {@link TaskWorld}), Events and Temporal
 * Schedules.
 */
final class CronTaskWorld implements BeforeAllCallback, AfterAllCallback {
  /** Pods of this Agent run until deleted. */
  static final String HANG = "hang";

  /** Pods of this Agent succeed after a moment. */
  static final String COMPLETE = "complete";

  /** Pods of this Agent fail after a moment. */
  static final String FAIL = "fail";

  /** Pods of this Agent succeed after a moment, with a result that reaches its goal. */
  static final String REPORTS = "reports";

  private final TestNamespace namespace = new TestNamespace();
  KubeTaskSystem system;
  KubernetesClient client;
  private TaskWorld tasks;

  @Override
  public void beforeAll(ExtensionContext context) {
    namespace.beforeAll(context);
    system = KubeTaskSystem.get();
    client = system.client();
    tasks = system.world(namespace.name());
    namespace.awaitDefaultServiceAccount();
    tasks.agent(HANG, AgentSpecs.defaultImage().hangs());
    tasks.agent(COMPLETE, AgentSpecs.defaultImage().runs("1s"));
    tasks.agent(FAIL, AgentSpecs.defaultImage().label("kubetask.test/outcome", "fail").runs("1s"));
    tasks.agent(REPORTS, AgentSpecs.defaultImage().runs("1s").result("achieved"));
  }

  /**
   * Deletes the namespace's CronTasks and waits until they, their Schedules and their Tasks are
   * gone, while the operator still runs, so that no Schedule outlives the suite; then deletes the
   * namespace.
   */
  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (tasks != null) {
        deleteCronTasks();
      }
    } finally {
      namespace.afterAll(context);
    }
  }

  private void deleteCronTasks() {
    var cronTasks = client.resources(CronTask.class).inNamespace(ns());
    List<String> names =
        cronTasks.list().getItems().stream().map(c -> c.getMetadata().getName()).toList();
    cronTasks.delete();
    eventually()
        .untilAsserted(
            () -> {
              for (String name : names) {
                assertThat(cronTask(name)).isNull();
                assertThat(schedule(name)).isEmpty();
              }
              assertThat(client.resources(Task.class).inNamespace(ns()).list().getItems())
                  .isEmpty();
            });
  }

  String ns() {
    return namespace.name();
  }

  Kubectl kubectl() {
    return namespace.kubectl();
  }

  static CronTaskSpec spec(String schedule, ConcurrencyPolicy policy, String agent) {
    return new CronTaskSpec(
        schedule,
        null,
        null,
        policy,
        false,
        3,
        1,
        new TaskTemplateSpec(
            new TaskTemplateMetadata(Map.of("team", "e2e"), Map.of("origin", "crontask-e2e")),
            new TaskSpec(List.<Context>of(), agent)));
  }

  /** A spec that never fires on its own during a test (once a year). */
  static CronTaskSpec yearly(ConcurrencyPolicy policy, String agent) {
    return spec("0 0 1 1 *", policy, agent);
  }

  CronTask create(String name, CronTaskSpec spec) {
    return client.resource(new CronTask(ns(), name, spec)).create();
  }

  CronTask cronTask(String name) {
    return client.resources(CronTask.class).inNamespace(ns()).withName(name).get();
  }

  void patchSpec(String name, String specJson) {
    client
        .resources(CronTask.class)
        .inNamespace(ns())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + specJson + "}");
  }

  /**
   * Sets the run-now annotation, as {@code kubectl annotate crontask <name>
   * kubetask.io/run-now=true}.
   */
  void runNow(String name) {
    client
        .resources(CronTask.class)
        .inNamespace(ns())
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + KubeTaskAnnotations.RUN_NOW + "\":\"true\"}}}");
  }

  /** What became of the Tasks (Jobs, ConfigMaps, pods). */
  TaskWorld taskWorld() {
    return tasks;
  }

  /** The CronTask's Tasks, oldest scheduled first. */
  List<Task> tasks(String cronTask) {
    return client
        .resources(Task.class)
        .inNamespace(ns())
        .withLabel(KubeTaskLabels.CRONTASK, cronTask)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(t -> t.getMetadata().getName()))
        .toList();
  }

  Task task(String name) {
    return tasks.get(name);
  }

  Optional<Condition> condition(String cronTask, String type) {
    CronTask c = cronTask(cronTask);
    return c == null || c.getStatus() == null
        ? Optional.empty()
        : Optional.ofNullable(TaskWorld.condition(c.getStatus().conditions(), type));
  }

  /** Reasons of the Events on the CronTask, oldest first. */
  List<String> events(String cronTask) {
    return tasks.eventReasons(cronTask(cronTask));
  }

  String scheduleId(String cronTask) {
    return "crontask/" + ns() + "/" + cronTask;
  }

  Optional<ScheduleDescription> schedule(String cronTask) {
    return TemporalScheduleGateway.of(system.temporal()).describe(scheduleId(cronTask));
  }

  /** Ids of the CronTask's run workflows that still run, from Temporal's visibility store. */
  List<String> runningRuns(String cronTask) {
    String query =
        "WorkflowType = 'CronTaskRun' AND ExecutionStatus = 'Running' AND KubeTaskNamespace = '"
            + ns()
            + "' AND KubeTaskCronTask = '"
            + cronTask
            + "'";
    return system
        .temporal()
        .listExecutions(query)
        .map(e -> e.getExecution().getWorkflowId())
        .toList();
  }

  /** Temporal's Schedule client, for edits "by hand" as the UI or CLI would make them. */
  ScheduleClient scheduleClient() {
    return ScheduleClient.newInstance(
        system.temporal().getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder()
            .setNamespace(system.temporal().getOptions().getNamespace())
            .build());
  }

  static ConditionFactory eventually() {
    return await().atMost(KubeTaskSystem.TIMEOUT).pollInterval(Duration.ofMillis(250));
  }

  /** Waits until the supplier returns a non-null, non-empty value and returns it. */
  static <T> T eventually(Supplier<Optional<T>> value) {
    return eventually().until(value::get, Optional::isPresent).orElseThrow();
  }

  /** The Task's scheduled time, from its kubetask.io/scheduled-at annotation. */
  static Instant scheduledAt(Task task) {
    return Instant.parse(task.getMetadata().getAnnotations().get(KubeTaskAnnotations.SCHEDULED_AT));
  }
}
