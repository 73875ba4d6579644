package io.kubetask.e2e.crontask;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskTemplateMetadata;
import io.kubetask.api.v1alpha1.TaskTemplateSpec;
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

/**
 * What the CronTask suites share: the running KubeTask system, the test namespace, Agents whose
 * pods kwok completes, fails or keeps running, and ways to look at CronTasks, their Tasks, Events
 * and Temporal Schedules.
 */
final class CronTaskWorld {
  /** Pods of this Agent run until deleted. */
  static final String HANG = "hang";

  /** Pods of this Agent succeed after a moment. */
  static final String COMPLETE = "complete";

  /** Pods of this Agent fail after a moment. */
  static final String FAIL = "fail";

  final KubeTaskSystem system;
  final TestNamespace namespace;
  final KubernetesClient client;

  CronTaskWorld(TestNamespace namespace) {
    this.system = KubeTaskSystem.get();
    this.namespace = namespace;
    this.client = system.client();
  }

  String ns() {
    return namespace.name();
  }

  /** Creates the three Agents once the namespace can run pods. */
  CronTaskWorld withAgents() {
    namespace.awaitDefaultServiceAccount();
    agent(HANG, Map.of("kubetask.test/outcome", "hang"));
    agent(COMPLETE, Map.of("kubetask.test/run-duration", "1s"));
    agent(FAIL, Map.of("kubetask.test/outcome", "fail", "kubetask.test/run-duration", "1s"));
    return this;
  }

  private void agent(String name, Map<String, String> podLabels) {
    client
        .resource(
            new Agent(
                ns(),
                name,
                new AgentSpec(null, null, null, null, null, podLabels, null, "default")))
        .create();
  }

  /**
   * Deletes the namespace's CronTasks and waits until they, their Schedules and their Tasks are
   * gone, while the operator still runs: call it from {@code @AfterAll}, which JUnit runs before
   * the namespace is deleted, so that no Schedule outlives the suite.
   */
  void deleteCronTasks() {
    var cronTasks = client.resources(CronTask.class).inNamespace(ns());
    List<String> names =
        cronTasks.list().getItems().stream().map(c -> c.getMetadata().getName()).toList();
    cronTasks.delete();
    eventually()
        .untilAsserted(
            () -> {
              for (String name : names) {
                org.assertj.core.api.Assertions.assertThat(cronTask(name)).isNull();
                org.assertj.core.api.Assertions.assertThat(schedule(name)).isEmpty();
              }
              org.assertj.core.api.Assertions.assertThat(
                      client.resources(Task.class).inNamespace(ns()).list().getItems())
                  .isEmpty();
            });
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
    return client.resources(Task.class).inNamespace(ns()).withName(name).get();
  }

  static TaskPhase phase(Task task) {
    return task == null || task.getStatus() == null ? null : task.getStatus().phase();
  }

  static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  Optional<Condition> condition(String cronTask, String type) {
    CronTask c = cronTask(cronTask);
    return c == null || c.getStatus() == null
        ? Optional.empty()
        : condition(c.getStatus().conditions(), type);
  }

  /** Reasons of the Events on an object, oldest first. */
  List<String> events(String objectName) {
    return client.v1().events().inNamespace(ns()).list().getItems().stream()
        .filter(e -> objectName.equals(e.getInvolvedObject().getName()))
        .sorted(
            Comparator.comparing(
                Event::getLastTimestamp, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(Event::getReason)
        .toList();
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
