package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Approval;
import io.kubetask.api.v1alpha1.CapacityConfig;
import io.kubetask.api.v1alpha1.ConfigMapKeySelector;
import io.kubetask.api.v1alpha1.ConfigMapReference;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.FileSource;
import io.kubetask.api.v1alpha1.HumanInTheLoop;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.KubeTaskConfigSpec;
import io.kubetask.api.v1alpha1.SecretKeyReference;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskLifecycleConfig;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.kubetask.testing.MutableClock;
import io.kubetask.workflows.k8s.ConditionLists;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activities against fabric8's CRUD mock server, run inside Temporal's TestActivityEnvironment
 * (start reads the workflow id from the activity context). The mock has no controllers: tests write
 * Job and pod status themselves. The mock serves the status subresource and its JSON merge patches,
 * but the stock one appends arrays on merge (so {@code conditions} would pile up), hence {@link
 * MergePatchCrudDispatcher}: the same CRUD server with RFC 7386 merges. The custom resources are
 * registered so the mock knows that Tasks have a status subresource.
 */
class TaskActivitiesImplTest {
  static final String NS = "team-a";
  static final String DEFAULT_IMAGE = "registry.example/kubetask-agent:builtin";
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, (byte) 0xff};

  private KubernetesMockServer server;
  private KubernetesClient client;
  private TestActivityEnvironment testEnv;
  private TaskActivities activities;
  private final MutableClock clock = new MutableClock(NOW);

  @BeforeEach
  void setUp() {
    server = MergePatchCrudDispatcher.startServer();
    client = server.createClient();
    // Tells the mock which resources have a status subresource (writes to the main resource then
    // leave status alone, as the API server does).
    for (Class<? extends CustomResource<?, ?>> type :
        List.of(Task.class, Agent.class, KubeTaskConfig.class)) {
      server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
    }
    testEnv = TestActivityEnvironment.newInstance();
    testEnv.registerActivitiesImplementations(
        new TaskActivitiesImpl(
            client,
            new ActivitySettings(DEFAULT_IMAGE, "default", "http://temporal-ui:8080/"),
            clock));
    activities =
        testEnv.newActivityStub(
            TaskActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    testEnv.close();
    client.close();
    server.destroy();
  }

  // ---- fixtures -------------------------------------------------------------------------------

  private static Context inline(String path, String content) {
    return Context.file(FileContext.inline(path, content));
  }

  private static Context key(String path, String configMap, String key, Boolean optional) {
    return Context.file(
        new FileContext(
            path,
            null,
            new FileSource(null, new ConfigMapKeySelector(configMap, key, optional), null)));
  }

  private static Context dir(String path, String configMap, Boolean optional) {
    return Context.file(
        new FileContext(
            null, path, new FileSource(null, null, new ConfigMapReference(configMap, optional))));
  }

  private TaskRef applyTask(String name, String agentRef, List<Context> contexts) {
    return applyTask(name, agentRef, contexts, Map.of());
  }

  private TaskRef applyTask(
      String name, String agentRef, List<Context> contexts, Map<String, String> annotations) {
    Task task = new Task(NS, name, new TaskSpec(contexts, agentRef));
    task.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
    Task created = client.resource(task).create();
    return new TaskRef(NS, name, created.getMetadata().getUid());
  }

  /** An Agent like {@link #coder()} that keeps its pod alive (null: the default keep-alive). */
  private void applyKeepAliveAgent(String name, Integer keepAliveSeconds) {
    AgentSpec spec = coder();
    applyAgent(
        name,
        new AgentSpec(
            spec.agentImage(),
            spec.command(),
            new HumanInTheLoop(true, keepAliveSeconds),
            null,
            null,
            null,
            null,
            "sa"));
  }

  private void applyAgent(String name, AgentSpec spec) {
    client.resource(new Agent(NS, name, spec)).create();
  }

  private static AgentSpec coder() {
    return new AgentSpec(
        "ghcr.io/example/coder:2",
        List.of("coder", "--task", "/workspace/task.md"),
        null,
        List.of(
            inline("/workspace/AGENTS.md", "rules"), inline("/workspace/task.md", "default task")),
        List.of(
            new Credential(
                "llm", new SecretKeyReference("llm", "api-key"), "LLM_API_KEY", null, null)),
        Map.of("team", "search"),
        null,
        "coder-sa");
  }

  private void applyConfigMap(
      String name, Map<String, String> data, Map<String, String> binaryData) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withData(data.isEmpty() ? null : data)
                .withBinaryData(binaryData.isEmpty() ? null : binaryData)
                .build())
        .create();
  }

  private Task task(TaskRef ref) {
    return client.resources(Task.class).inNamespace(NS).withName(ref.name()).get();
  }

  private TaskStatus status(TaskRef ref) {
    return task(ref).getStatus();
  }

  private Condition condition(TaskRef ref, String type) {
    return ConditionLists.find(status(ref).conditions(), type)
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status(ref)));
  }

  private List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems();
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static String objectName(TaskRef ref) {
    return TaskNames.objectName(ref.name(), ref.uid());
  }

  /** The standard Task of these tests: Agent coder, inline, text, binary and directory contexts. */
  private TaskRef fullTask() {
    applyAgent("coder", coder());
    applyConfigMap(
        "inputs",
        Map.of("input.json", "{\"a\":1}"),
        Map.of("logo.png", Base64.getEncoder().encodeToString(PNG)));
    applyConfigMap("docs", Map.of("README.md", "docs"), Map.of());
    return applyTask(
        "fix-bug",
        "coder",
        List.of(
            inline("/workspace/task.md", "Fix the bug"),
            key("/workspace/input.json", "inputs", "input.json", null),
            key("/workspace/logo.png", "inputs", "logo.png", null),
            dir("/workspace/docs", "docs", null)));
  }

  // ---- start ----------------------------------------------------------------------------------

  /** Starts as the workflow does: told the Agent the Task names (the operator saw it so). */
  private StartResult start(TaskRef ref) {
    Task task = client.resources(Task.class).inNamespace(NS).withName(ref.name()).get();
    return activities.start(ref, task == null ? null : task.getSpec().agentName());
  }

  @Test
  void startCreatesTheContextConfigMapAndTheJob() {
    TaskRef ref = fullTask();
    String name = objectName(ref);

    StartResult result = start(ref);

    assertThat(result).isEqualTo(StartResult.created(name, 0, null));
    ConfigMap cm = client.configMaps().inNamespace(NS).withName(name).get();
    // Agent defaults first, the Task wins on /workspace/task.md, keys follow the sorted paths.
    assertThat(cm.getData())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("file-0", "rules", "file-1", "{\"a\":1}", "file-3", "Fix the bug"));
    assertThat(cm.getBinaryData()).containsOnlyKeys("file-2");
    assertThat(Base64.getDecoder().decode(cm.getBinaryData().get("file-2"))).isEqualTo(PNG);
    assertThat(cm.getMetadata().getLabels()).containsEntry("kubetask.io/task-uid", ref.uid());
    assertThat(cm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(ref.uid());
              assertThat(o.getController()).isTrue();
            });

    assertThat(jobs()).hasSize(1);
    Job job = job(name);
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ghcr.io/example/coder:2");
    assertThat(container.getCommand()).containsExactly("coder", "--task", "/workspace/task.md");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("LLM_API_KEY");
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm");
            });
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getSubPath() != null)
        .extracting(VolumeMount::getMountPath, VolumeMount::getSubPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/workspace/AGENTS.md", "file-0"),
            org.assertj.core.groups.Tuple.tuple("/workspace/input.json", "file-1"),
            org.assertj.core.groups.Tuple.tuple("/workspace/logo.png", "file-2"),
            org.assertj.core.groups.Tuple.tuple("/workspace/task.md", "file-3"));
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getConfigMap() == null ? null : v.getConfigMap().getName())
                    .isEqualTo("docs"));
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("coder-sa");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "search");

    TaskStatus status = status(ref);
    assertThat(status.phase()).isEqualTo(TaskPhase.RUNNING);
    assertThat(status.jobName()).isEqualTo(name);
    assertThat(status.startTime()).isEqualTo(NOW.toString());
    assertThat(status.observedGeneration()).isEqualTo(task(ref).getMetadata().getGeneration());
    // TestActivityEnvironment runs activities for the workflow "test-workflow-id".
    assertThat(status.workflowId()).isEqualTo("test-workflow-id");
    assertThat(status.workflowUrl())
        .isEqualTo("http://temporal-ui:8080/namespaces/default/workflows/test-workflow-id");
    assertThat(condition(ref, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(ref, "Ready").getReason()).isEqualTo("JobCreated");
    assertThat(condition(ref, "Succeeded").getStatus()).isEqualTo("Unknown");
    assertThat(status.completionTime()).isNull();
    assertThat(events("JobCreated"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(ref.uid());
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Task");
            });
  }

  @Test
  void aTaskThatNeedsApprovalWaitsForItAndThenRunsSayingWhoApproved() {
    applyAgent("coder", coder());
    Task task =
        new Task(
            NS,
            "migrate",
            new TaskSpec(
                List.of(inline("/workspace/task.md", "Migrate.")),
                "coder",
                null,
                null,
                null,
                new Approval(true, null)));
    Task created = client.resource(task).create();
    TaskRef ref = new TaskRef(NS, "migrate", created.getMetadata().getUid());

    StartResult waiting = start(ref);

    assertThat(waiting.state()).isEqualTo(StartResult.State.BLOCKED);
    assertThat(waiting.retryAtEpochMillis()).isZero(); // no timeout: no turn to wake for
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.PENDING);
    assertThat(ConditionLists.find(status(ref).conditions(), "Ready").orElseThrow().getReason())
        .isEqualTo("AwaitingApproval");
    assertThat(jobs()).isEmpty();
    assertThat(events("AwaitingApproval"))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));

    client
        .resources(Task.class)
        .inNamespace(NS)
        .withName("migrate")
        .edit(
            t -> {
              t.getMetadata().getAnnotations().put(KubeTaskAnnotations.APPROVE, "true");
              return t;
            });
    StartResult started = start(ref);

    assertThat(started.state()).isEqualTo(StartResult.State.STARTED);
    assertThat(jobs()).hasSize(1);
    assertThat(ConditionLists.find(status(ref).conditions(), "Ready").orElseThrow().getMessage())
        .endsWith("Approved by an unknown manager."); // the mock server keeps no managedFields
    assertThat(events("Approved")).hasSize(1);
  }

  @Test
  void aRejectedTaskNeverRuns() {
    AgentSpec spec = coder();
    applyAgent(
        "careful",
        new AgentSpec(
            spec.agentImage(),
            spec.command(),
            null,
            null,
            null,
            null,
            null,
            "sa",
            null,
            null,
            null,
            null,
            null,
            new Approval(true, 600),
            null,
            null));
    TaskRef ref =
        applyTask(
            "risky",
            "careful",
            List.of(inline("/workspace/task.md", "Drop the table.")),
            Map.of(KubeTaskAnnotations.REJECT, "not today"));

    StartResult result = start(ref);

    assertThat(result)
        .isEqualTo(
            StartResult.invalid(
                Outcome.failed("Rejected", "Rejected (kubetask.io/reject: not today)."), null));
    assertThat(jobs()).isEmpty();
  }

  @Test
  void startTimeHasWholeSecondsAsCompletionTimeHas() {
    TaskRef ref = fullTask();
    clock.advance(Duration.ofMillis(400));

    start(ref);

    assertThat(status(ref).startTime()).isEqualTo(NOW.toString());
  }

  @Test
  void startIsIdempotent() {
    TaskRef ref = fullTask();

    StartResult first = start(ref);
    clock.advance(Duration.ofMinutes(5));
    StartResult second = start(ref);

    assertThat(first).isEqualTo(StartResult.created(objectName(ref), 0, null));
    // The second call finds the Job: the workflow then looks at it at once.
    assertThat(second).isEqualTo(StartResult.adopted(objectName(ref), 0, null));
    assertThat(jobs()).hasSize(1);
    assertThat(client.configMaps().inNamespace(NS).list().getItems())
        .filteredOn(c -> c.getMetadata().getName().equals(objectName(ref)))
        .hasSize(1);
    assertThat(status(ref).startTime()).isEqualTo(NOW.toString());
    assertThat(events("JobCreated")).hasSize(1);
  }

  @Test
  void startRecreatesAJobThatAnEarlierAttemptCreatedButNotTheStatus() {
    // A worker crash after the Job was created but before the status patch: the retry adopts it.
    TaskRef ref = fullTask();
    start(ref);
    clearStatus(ref);

    StartResult again = start(ref);

    assertThat(again).isEqualTo(StartResult.adopted(objectName(ref), 0, null));
    assertThat(jobs()).hasSize(1);
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.RUNNING);
  }

  @Test
  void aJobCreatedByACutOffStartIsAdoptedEvenWhenItsAgentAndContextsAreGone() {
    // The status never named the Job, and what the start resolved is gone since: the Job decides.
    TaskRef ref = fullTask();
    start(ref);
    clearStatus(ref);
    client.resources(Agent.class).inNamespace(NS).withName("coder").delete();
    client.configMaps().inNamespace(NS).withName("docs").delete();

    StartResult again = start(ref);

    assertThat(again).isEqualTo(StartResult.adopted(objectName(ref), 0, null));
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.RUNNING);
    assertThat(events("AgentNotFound")).isEmpty();
  }

  @Test
  void aFirstStartGoesStraightToCreatingTheJob() throws InterruptedException {
    TaskRef ref = fullTask();
    drainRequests();

    start(ref);

    List<String> requests = drainRequests();
    assertThat(requests).contains("POST /apis/batch/v1/namespaces/" + NS + "/jobs");
    assertThat(requests)
        .noneMatch(r -> r.startsWith("GET /apis/batch/v1/namespaces/" + NS + "/jobs"));
  }

  @Test
  void theAgentTheWorkflowNamesIsReadOnceAndRuns() throws InterruptedException {
    TaskRef ref = fullTask();
    drainRequests();

    StartResult result = activities.start(ref, "coder");

    assertThat(result.state()).isEqualTo(StartResult.State.STARTED);
    assertThat(drainRequests())
        .filteredOn(
            r -> r.startsWith("GET /apis/kubetask.io/v1alpha1/namespaces/" + NS + "/agents"))
        .containsExactly("GET /apis/kubetask.io/v1alpha1/namespaces/" + NS + "/agents/coder");
    assertThat(image(objectName(ref))).isEqualTo("ghcr.io/example/coder:2");
  }

  @Test
  void eachStepReadsTheTaskOnceAndPatchesItsStatusWithoutReadingAgain()
      throws InterruptedException {
    // The status patches go to the Task just read: a patch addressed by name alone would make the
    // client GET the Task again before each one.
    TaskRef ref = fullTask();
    drainRequests();

    activities.start(ref, "coder");
    activities.finish(ref, Outcome.succeeded("Completed", "ok"));

    String task = "/apis/kubetask.io/v1alpha1/namespaces/" + NS + "/tasks/" + ref.name();
    assertThat(drainRequests())
        .filteredOn(r -> r.endsWith(task) || r.endsWith(task + "/status"))
        .containsExactly(
            "GET " + task, "PATCH " + task + "/status", "GET " + task, "PATCH " + task + "/status");
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.COMPLETED);
  }

  @Test
  void anAgentTheTaskDoesNotNameIsNotUsed() {
    // Only a workflow started by another operator could name another: the Task decides.
    applyAgent(
        "other",
        new AgentSpec("ghcr.io/example/other:1", null, null, null, null, null, null, "sa"));
    TaskRef ref = fullTask();

    StartResult result = activities.start(ref, "other");

    assertThat(result.state()).isEqualTo(StartResult.State.STARTED);
    assertThat(image(objectName(ref))).isEqualTo("ghcr.io/example/coder:2");
  }

  @Test
  void withoutTheAgentFromTheWorkflowTheStartReadsTheOneTheTaskNames() {
    TaskRef ref = fullTask();

    StartResult result = activities.start(ref, null);

    assertThat(result.state()).isEqualTo(StartResult.State.STARTED);
    assertThat(image(objectName(ref))).isEqualTo("ghcr.io/example/coder:2");
  }

  @Test
  void aMissingAgentTheWorkflowNamesBlocksTheTask() {
    TaskRef ref = applyTask("no-agent", "absent", List.of(inline("/workspace/task.md", "x")));

    StartResult result = activities.start(ref, "absent");

    assertThat(result.state()).isEqualTo(StartResult.State.BLOCKED);
    assertThat(condition(ref, "Ready").getReason()).isEqualTo("AgentNotFound");
    assertThat(jobs()).isEmpty();
  }

  private String image(String jobName) {
    return job(jobName).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** The requests the mock server has received since the last call, as "METHOD path". */
  private List<String> drainRequests() throws InterruptedException {
    List<String> requests = new ArrayList<>();
    for (var r = server.takeRequest(0, TimeUnit.SECONDS);
        r != null;
        r = server.takeRequest(0, TimeUnit.SECONDS)) {
      requests.add(r.getMethod() + " " + r.getPath().replaceFirst("\\?.*", ""));
    }
    return requests;
  }

  private void clearStatus(TaskRef ref) {
    client
        .resources(Task.class)
        .inNamespace(NS)
        .withName(ref.name())
        .subresource("status")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"status\":null}");
    assertThat(status(ref)).isNull();
  }

  @Test
  void missingAgentBlocksTheTaskAsPending() {
    TaskRef ref = applyTask("needs-agent", "ghost", List.of(inline("/workspace/task.md", "x")));

    StartResult result = start(ref);

    assertThat(result).isEqualTo(StartResult.blocked(null));
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.PENDING);
    Condition ready = condition(ref, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("AgentNotFound");
    assertThat(ready.getMessage()).contains("\"ghost\"").contains(NS);
    assertThat(status(ref).workflowId()).isEqualTo("test-workflow-id");
    assertThat(events("AgentNotFound"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("needs-agent");
              assertThat(e.getMessage()).isEqualTo(ready.getMessage());
            });
    assertThat(jobs()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();

    // Asking again while nothing changed writes no second Event.
    assertThat(start(ref)).isEqualTo(StartResult.blocked(null));
    assertThat(events("AgentNotFound")).hasSize(1);

    // Once the Agent exists the Task starts.
    applyAgent("ghost", coder());
    assertThat(start(ref).state()).isEqualTo(StartResult.State.STARTED);
    assertThat(condition(ref, "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void explicitAgentRefDefaultMustExist() {
    TaskRef ref = applyTask("explicit-default", "default", List.of(inline("/x", "x")));

    assertThat(start(ref)).isEqualTo(StartResult.blocked(null));
    assertThat(condition(ref, "Ready").getReason()).isEqualTo("AgentNotFound");
  }

  @Test
  void missingConfigMapBlocksNamingIt() {
    applyAgent("coder", coder());
    TaskRef ref =
        applyTask(
            "needs-cm", "coder", List.of(key("/workspace/in.txt", "absent-cm", "in.txt", null)));

    assertThat(start(ref)).isEqualTo(StartResult.blocked(null));

    Condition ready = condition(ref, "Ready");
    assertThat(ready.getReason()).isEqualTo("ContextNotFound");
    assertThat(ready.getMessage())
        .contains("ConfigMap \"absent-cm\"")
        .contains("/workspace/in.txt");
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.PENDING);
    assertThat(events("ContextNotFound")).hasSize(1);
    assertThat(jobs()).isEmpty();
  }

  @Test
  void missingKeyBlocksNamingTheKey() {
    applyAgent("coder", coder());
    applyConfigMap("inputs", Map.of("other", "x"), Map.of());
    TaskRef ref =
        applyTask(
            "needs-key", "coder", List.of(key("/workspace/in.txt", "inputs", "in.txt", null)));

    assertThat(start(ref)).isEqualTo(StartResult.blocked(null));

    Condition ready = condition(ref, "Ready");
    assertThat(ready.getReason()).isEqualTo("ContextNotFound");
    assertThat(ready.getMessage()).contains("Key \"in.txt\" of ConfigMap \"inputs\"");
  }

  @Test
  void missingDirectoryConfigMapBlocksNamingIt() {
    applyAgent("coder", coder());
    TaskRef ref = applyTask("needs-dir", "coder", List.of(dir("/workspace/docs", "docs", null)));

    assertThat(start(ref)).isEqualTo(StartResult.blocked(null));

    assertThat(condition(ref, "Ready").getMessage())
        .contains("ConfigMap \"docs\"")
        .contains("/workspace/docs");
  }

  @Test
  void optionalContextsDoNotBlock() {
    applyAgent("coder", coder());
    TaskRef ref =
        applyTask(
            "optional",
            "coder",
            List.of(
                key("/workspace/maybe.txt", "absent", "k", true),
                dir("/workspace/maybe", "absent-dir", true)));

    StartResult result = start(ref);

    assertThat(result.state()).isEqualTo(StartResult.State.STARTED);
    ConfigMap cm = client.configMaps().inNamespace(NS).withName(objectName(ref)).get();
    // Only the Agent's two defaults: the optional key is left out.
    assertThat(cm.getData()).containsOnlyKeys("file-0", "file-1");
    var volumes = job(objectName(ref)).getSpec().getTemplate().getSpec().getVolumes();
    assertThat(volumes)
        .filteredOn(
            v -> v.getConfigMap() != null && "absent-dir".equals(v.getConfigMap().getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getOptional()).isTrue());
  }

  @Test
  void withoutAgentRefAndWithoutADefaultAgentTheBuiltInRuns() {
    TaskRef ref = applyTask("plain", null, List.of(inline("/workspace/task.md", "x")));

    StartResult result = start(ref);

    assertThat(result).isEqualTo(StartResult.created(objectName(ref), 0, null));
    var pod = job(objectName(ref)).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo(DEFAULT_IMAGE);
    assertThat(pod.getContainers().get(0).getCommand()).isNullOrEmpty();
    assertThat(pod.getServiceAccountName()).isEqualTo("default");
  }

  @Test
  void withoutAgentRefTheDefaultAgentIsUsedWhenItExists() {
    applyAgent("default", coder());
    TaskRef ref = applyTask("plain", "", List.of());

    start(ref);

    var pod = job(objectName(ref)).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("ghcr.io/example/coder:2");
    assertThat(pod.getServiceAccountName()).isEqualTo("coder-sa");
  }

  @Test
  void securityContextsComeFromTheAgent() {
    AgentSpec spec = coder();
    applyAgent(
        "non-root",
        new AgentSpec(
            spec.agentImage(),
            spec.command(),
            null,
            null,
            null,
            null,
            null,
            "sa",
            null,
            null,
            TaskJobsTest.restrictedPod(),
            TaskJobsTest.restrictedContainer(),
            null,
            null,
            null,
            null));
    TaskRef ref = applyTask("non-root-task", "non-root", List.of());

    start(ref);

    var pod = job(objectName(ref)).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext()).isEqualTo(TaskJobsTest.restrictedPod());
    assertThat(pod.getContainers().get(0).getSecurityContext())
        .isEqualTo(TaskJobsTest.restrictedContainer());
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).contains("workspace", "tmp");
  }

  @Test
  void keepAliveComesFromTheAgent() {
    applyKeepAliveAgent("hitl", 120);
    applyKeepAliveAgent("hitl-default", null);
    TaskRef ref = applyTask("hitl-task", "hitl", List.of());
    TaskRef ref2 = applyTask("hitl-task-2", "hitl-default", List.of());

    assertThat(start(ref)).isEqualTo(StartResult.created(objectName(ref), 120, null));
    assertThat(start(ref2).keepAliveSeconds()).isEqualTo(HumanInTheLoop.DEFAULT_KEEP_ALIVE_SECONDS);
    assertThat(
            job(objectName(ref))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getCommand())
        .startsWith("sh", "-c")
        .endsWith("kubetask-agent", "coder", "--task", "/workspace/task.md");
  }

  @Test
  void contextsOverOneMebibyteAreInvalid() {
    String cronRun = "crontask-run/team-a/nightly-1";
    TaskRef ref =
        applyTask(
            "huge",
            null,
            List.of(inline("/workspace/big", "x".repeat((int) TaskConfigMaps.MAX_BYTES))),
            Map.of(KubeTaskAnnotations.CRONTASK_RUN, cronRun));

    StartResult result = start(ref);

    assertThat(result.state()).isEqualTo(StartResult.State.INVALID);
    assertThat(result.cronTaskRun()).isEqualTo(cronRun);
    assertThat(result.outcome().succeeded()).isFalse();
    assertThat(result.outcome().reason()).isEqualTo("ContextTooLarge");
    assertThat(result.outcome().message()).contains(Long.toString(TaskConfigMaps.MAX_BYTES + 6));
    assertThat(jobs()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void contextsOfExactlyOneMebibyteStart() {
    String content = "x".repeat((int) TaskConfigMaps.MAX_BYTES - "file-0".length());
    TaskRef ref = applyTask("just-fits", null, List.of(inline("/workspace/big", content)));

    assertThat(start(ref).state()).isEqualTo(StartResult.State.STARTED);
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName(objectName(ref))
                .get()
                .getData()
                .get("file-0"))
        .hasSize(content.length());
  }

  @Test
  void mountConflictIsInvalid() {
    applyAgent(
        "clash",
        new AgentSpec(
            null,
            null,
            null,
            null,
            List.of(
                new Credential(
                    "token", new SecretKeyReference("s", "k"), null, "/workspace/token", null)),
            null,
            null,
            "sa"));
    TaskRef ref = applyTask("clash-task", "clash", List.of(inline("/workspace/token", "x")));

    StartResult result = start(ref);

    assertThat(result.state()).isEqualTo(StartResult.State.INVALID);
    assertThat(result.outcome().reason()).isEqualTo("InvalidContext");
    assertThat(result.outcome().message())
        .contains("/workspace/token")
        .contains("credential token");
    assertThat(jobs()).isEmpty();
  }

  @Test
  void aJobOfTheSameNameOwnedByAnotherTaskIsNotAdopted() {
    TaskRef ref = applyTask("taken", null, List.of());
    String name = objectName(ref);
    client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .addNewOwnerReference()
                .withApiVersion("kubetask.io/v1alpha1")
                .withKind("Task")
                .withName("taken")
                .withUid("11111111-2222-3333-4444-555555555555")
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("other")
                .withImage("other:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    StartResult result = start(ref);

    assertThat(result.state()).isEqualTo(StartResult.State.INVALID);
    assertThat(result.outcome().reason()).isEqualTo("JobConflict");
    assertThat(result.outcome().message()).contains(name);
    assertThat(jobs()).hasSize(1);
    assertThat(job(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("other:1");
    assertThat(status(ref) == null ? null : status(ref).phase()).isNotEqualTo(TaskPhase.RUNNING);
    // observeJob does not mistake the other Task's Job for this one's.
    assertThat(activities.observeJob(ref, name, false, false).outcome().reason())
        .isEqualTo("JobNotFound");
  }

  @Test
  void aJobOfTheSameNameWithoutOwnerIsNotAdopted() {
    TaskRef ref = applyTask("taken2", null, List.of());
    client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(objectName(ref))
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .create();

    assertThat(start(ref).outcome().reason()).isEqualTo("JobConflict");
  }

  @Test
  void startOfAFinishedTaskSkipsToItsTtl() {
    TaskRef ref =
        applyTask(
            "done", null, List.of(), Map.of(KubeTaskAnnotations.CRONTASK_RUN, "crontask-run/x"));
    start(ref);
    activities.finish(ref, Outcome.succeeded("Completed", "ok"));

    assertThat(start(ref)).isEqualTo(StartResult.finished("crontask-run/x"));
    assertThat(jobs()).hasSize(1);
  }

  @Test
  void startOfAMissingOrReplacedTaskIsGone() {
    assertThat(start(new TaskRef(NS, "never-existed", "uid"))).isEqualTo(StartResult.gone());
    TaskRef ref = applyTask("replaced", null, List.of());
    assertThat(start(new TaskRef(NS, "replaced", "a-previous-uid"))).isEqualTo(StartResult.gone());
    assertThat(jobs()).isEmpty();
    assertThat(status(ref)).isNull();
  }

  // ---- finish, refreshExpiry, deleteTask ------------------------------------------------------

  @Test
  void finishWritesPhaseTimesAndTheDefaultTtl() {
    TaskRef ref = fullTask();
    start(ref);
    clock.advance(Duration.ofMinutes(3));
    Instant completed = NOW.plus(Duration.ofMinutes(3));

    Expiry expiry =
        activities.finish(ref, Outcome.succeeded("Completed", "The agent finished successfully."));

    assertThat(expiry).isEqualTo(Expiry.at(completed.plusSeconds(604800).toEpochMilli()));
    TaskStatus status = status(ref);
    assertThat(status.phase()).isEqualTo(TaskPhase.COMPLETED);
    assertThat(status.completionTime()).isEqualTo(completed.toString());
    assertThat(status.expirationTime()).isEqualTo("2025-06-08T12:03:00Z");
    assertThat(status.startTime()).isEqualTo(NOW.toString());
    assertThat(status.jobName()).isEqualTo(objectName(ref));
    Condition succeeded = condition(ref, "Succeeded");
    assertThat(succeeded.getStatus()).isEqualTo("True");
    assertThat(succeeded.getReason()).isEqualTo("Completed");
    assertThat(condition(ref, "Ready").getStatus()).isEqualTo("True");
    assertThat(events("Completed"))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
  }

  @Test
  void finishWritesWholeSecondsSoThatExpirationTimeIsCompletionTimePlusTheTtl() {
    client
        .resource(
            new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(3))))
        .create();
    TaskRef ref = applyTask("fractions", null, List.of());
    start(ref);
    clock.advance(Duration.ofSeconds(2458).plusNanos(639_683_017));

    Expiry expiry = activities.finish(ref, Outcome.succeeded("Completed", "ok"));

    assertThat(status(ref).completionTime()).isEqualTo("2025-06-01T12:40:58Z");
    assertThat(status(ref).expirationTime()).isEqualTo("2025-06-01T12:41:01Z");
    assertThat(expiry).isEqualTo(Expiry.at(Instant.parse("2025-06-01T12:41:01Z").toEpochMilli()));
  }

  @Test
  void startAdmitsNoMoreTasksThanTheNamespacesKubeTaskConfigAllows() {
    client
        .resource(
            new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(null, new CapacityConfig(1))))
        .create();
    TaskRef first = applyTask("first", null, List.of());
    clock.advance(Duration.ofSeconds(1));
    TaskRef second = applyTask("second", null, List.of());

    assertThat(start(first).state()).isEqualTo(StartResult.State.STARTED);
    StartResult waiting = start(second);

    assertThat(waiting.state()).isEqualTo(StartResult.State.BLOCKED);
    assertThat(status(second).phase()).isEqualTo(TaskPhase.QUEUED);
    assertThat(jobs())
        .extracting(j -> j.getMetadata().getName())
        .containsExactly(objectName(first));
  }

  @Test
  void finishClosesAKeepAliveWindowThatIsStillOpen() {
    applyKeepAliveAgent("hitl", 600);
    TaskRef ref = applyTask("stopped-in-window", "hitl", List.of());
    start(ref);
    activities.windowOpened(ref, NOW.plusSeconds(600).toEpochMilli());
    clock.advance(Duration.ofMinutes(1));

    activities.finish(ref, Outcome.failed("Stopped", "Stopped on request (Stopped)."));

    Condition closed = condition(ref, "HumanInTheLoop");
    assertThat(closed.getStatus()).isEqualTo("False");
    assertThat(closed.getReason()).isEqualTo("WindowClosed");
    assertThat(closed.getLastTransitionTime()).isEqualTo("2025-06-01T12:01:00Z");
    assertThat(closed.getMessage()).contains("2025-06-01T12:01:00Z");
  }

  @Test
  void finishLeavesAClosedWindowAsItIs() {
    applyKeepAliveAgent("hitl", 600);
    TaskRef ref = applyTask("released", "hitl", List.of());
    String name = start(ref).jobName();
    activities.windowOpened(ref, NOW.plusSeconds(600).toEpochMilli());
    clock.advance(Duration.ofMinutes(1));
    activities.releasePod(ref, name);
    Condition released = condition(ref, "HumanInTheLoop");
    clock.advance(Duration.ofMinutes(1));

    activities.finish(ref, Outcome.succeeded("Completed", "ok"));

    assertThat(condition(ref, "HumanInTheLoop")).isEqualTo(released);
  }

  @Test
  void finishIsIdempotent() {
    TaskRef ref = fullTask();
    start(ref);
    Outcome failed = Outcome.failed("Failed", "The agent exited with code 3 (Error).");
    Expiry first = activities.finish(ref, failed);
    clock.advance(Duration.ofMinutes(10));

    Expiry second = activities.finish(ref, failed);

    assertThat(second).isEqualTo(first);
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.FAILED);
    assertThat(status(ref).completionTime()).isEqualTo(NOW.toString());
    assertThat(events("Failed"))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    assertThat(condition(ref, "Succeeded").getMessage()).contains("code 3");
  }

  @Test
  void finishUsesTheTtlOfTheNamespacesKubeTaskConfig() {
    client
        .resource(
            new KubeTaskConfig(
                NS, "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(3600))))
        .create();
    TaskRef ref = applyTask("short-lived", null, List.of());
    start(ref);

    Expiry expiry = activities.finish(ref, Outcome.succeeded("Completed", "ok"));

    assertThat(expiry).isEqualTo(Expiry.at(NOW.plusSeconds(3600).toEpochMilli()));
    assertThat(status(ref).expirationTime()).isEqualTo("2025-06-01T13:00:00Z");
  }

  @Test
  void aKubeTaskConfigWithAnotherNameOrWithoutTtlMeansTheDefault() {
    client
        .resource(
            new KubeTaskConfig(
                NS, "not-default", new KubeTaskConfigSpec(new TaskLifecycleConfig(60))))
        .create();
    client
        .resource(
            new KubeTaskConfig(
                "elsewhere", "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(60))))
        .create();
    TaskRef ref = applyTask("t", null, List.of());
    assertThat(activities.finish(ref, Outcome.succeeded("Completed", "ok")))
        .isEqualTo(Expiry.at(NOW.plusSeconds(604800).toEpochMilli()));

    client.resource(new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(null))).create();
    TaskRef ref2 = applyTask("t2", null, List.of());
    assertThat(activities.finish(ref2, Outcome.succeeded("Completed", "ok")))
        .isEqualTo(Expiry.at(NOW.plusSeconds(604800).toEpochMilli()));
  }

  @Test
  void ttlZeroLeavesNoExpirationTime() {
    client
        .resource(
            new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(0))))
        .create();
    TaskRef ref = applyTask("keep-forever", null, List.of());
    start(ref);

    Expiry expiry = activities.finish(ref, Outcome.succeeded("Completed", "ok"));

    assertThat(expiry).isEqualTo(Expiry.never());
    assertThat(status(ref).expirationTime()).isNull();
    assertThat(status(ref).completionTime()).isEqualTo(NOW.toString());
  }

  @Test
  void finishBeforeAnyJobSaysWhyTheTaskNeverRan() {
    TaskRef ref = applyTask("never-ran", "ghost", List.of());
    start(ref);
    Outcome stopped = Outcome.failed("Stopped", "Stopped on request (Stopped).");

    activities.finish(ref, stopped);

    assertThat(status(ref).phase()).isEqualTo(TaskPhase.FAILED);
    assertThat(condition(ref, "Ready").getReason()).isEqualTo("Stopped");
    assertThat(condition(ref, "Succeeded").getReason()).isEqualTo("Stopped");
  }

  @Test
  void finishOfAGoneTaskSaysSo() {
    assertThat(
            activities.finish(new TaskRef(NS, "nope", "uid"), Outcome.succeeded("Completed", "ok")))
        .isEqualTo(Expiry.gone());
  }

  @Test
  void refreshExpiryFollowsTheCurrentConfig() {
    TaskRef ref = applyTask("refresh", null, List.of());
    start(ref);
    activities.finish(ref, Outcome.succeeded("Completed", "ok"));
    clock.advance(Duration.ofDays(1));

    client
        .resource(
            new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(60))))
        .create();
    assertThat(activities.refreshExpiry(ref))
        .isEqualTo(Expiry.at(NOW.plusSeconds(60).toEpochMilli()));
    assertThat(status(ref).expirationTime()).isEqualTo("2025-06-01T12:01:00Z");

    client.resources(KubeTaskConfig.class).inNamespace(NS).withName("default").delete();
    client
        .resource(
            new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(0))))
        .create();
    assertThat(activities.refreshExpiry(ref)).isEqualTo(Expiry.never());
    assertThat(status(ref).expirationTime()).isNull();
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.COMPLETED);

    assertThat(activities.refreshExpiry(new TaskRef(NS, "refresh", "other-uid")))
        .isEqualTo(Expiry.gone());
  }

  @Test
  void deleteTaskDeletesOnlyThisTask() {
    TaskRef ref = applyTask("old", null, List.of());

    activities.deleteTask(new TaskRef(NS, "old", "another-uid"));
    assertThat(task(ref)).isNotNull();

    activities.deleteTask(ref);
    assertThat(task(ref)).isNull();
    activities.deleteTask(ref);
  }

  // ---- observeJob, keep-alive, deleteJob ------------------------------------------------------

  private Job markJob(String name, String type, String reason, Integer ready) {
    Job job = job(name);
    var status = new io.fabric8.kubernetes.api.model.batch.v1.JobStatus();
    status.setReady(ready);
    if (type != null) {
      status.setConditions(
          new ArrayList<>(
              List.of(
                  new JobConditionBuilder()
                      .withType(type)
                      .withStatus("True")
                      .withReason(reason)
                      .withMessage("m")
                      .build())));
    }
    job.setStatus(status);
    return client.batch().v1().jobs().inNamespace(NS).resource(job).updateStatus();
  }

  private Pod agentPod(Job job, Integer exitCode) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-x7k2p")
            .withNamespace(NS)
            .addToLabels("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
            .addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .withImage("img")
            .endContainer()
            .endSpec();
    if (exitCode != null) {
      pod.withNewStatus()
          .addNewContainerStatus()
          .withName("agent")
          .withNewState()
          .withNewTerminated()
          .withExitCode(exitCode)
          .withReason("Error")
          .endTerminated()
          .endState()
          .endContainerStatus()
          .endStatus();
    }
    return client.resource(pod.build()).create();
  }

  @Test
  void observeJobMapsAJobThatIsStillRunning() {
    TaskRef ref = applyTask("obs", null, List.of());
    String name = start(ref).jobName();

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.state()).isEqualTo(JobObservation.State.RUNNING);
    // Until the agent runs, its start limit counts from the Job's creation: 15 minutes here.
    assertThat(seen.deadline().atEpochMillis()).isEqualTo(createdAt(name) + 15 * 60_000);
    assertThat(seen.deadline().outcome())
        .isEqualTo(
            Outcome.failed(
                "StartTimeout",
                "The agent did not start within 15m of Job "
                    + name
                    + "'s creation; its pod: PodPending: Waiting for Job "
                    + name
                    + " to create the agent's pod."));
    assertThat(condition(ref, "Succeeded"))
        .extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly(
            "Unknown", "PodPending", "Waiting for Job " + name + " to create the agent's pod.");
  }

  @Test
  void observeJobReadsWhatThePodDoesForTheStartDeadlineAndLeavesRecordingItToTheOperator() {
    TaskRef ref = applyTask("story", null, List.of());
    String name = start(ref).jobName();
    Pod pod = agentPod(job(name), null);
    String unschedulable =
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
    setPodStatus(
        pod,
        new PodStatusBuilder()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage(unschedulable)
            .endCondition()
            .build());

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.deadline().outcome().message()).endsWith("Unschedulable: " + unschedulable);
    // The Task still says what the start wrote; the operator's pod cache tells the rest.
    assertThat(condition(ref, "Succeeded"))
        .extracting(Condition::getReason, Condition::getMessage)
        .containsExactly("PodPending", "Waiting for Job " + name + " to create the agent's pod.");
    assertThat(events("Unschedulable")).isEmpty();

    setPodStatus(pod, runningSince("2025-06-01T12:00:07Z"));
    seen = activities.observeJob(ref, name, false, false);

    // Running, without a timeout: no deadline at all.
    assertThat(seen).isEqualTo(JobObservation.running());
    assertThat(events("Running")).isEmpty();
  }

  @Test
  void aTimeoutCountsFromWhenTheAgentContainerRuns() {
    Task task = new Task(NS, "limited", new TaskSpec(List.of(), null, null, "2m"));
    TaskRef ref = new TaskRef(NS, "limited", client.resource(task).create().getMetadata().getUid());
    String name = start(ref).jobName();
    setPodStatus(agentPod(job(name), null), runningSince("2025-06-01T12:00:07Z"));

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(job(name).getMetadata().getAnnotations())
        .containsEntry("kubetask.io/start-timeout-seconds", "900")
        .containsEntry("kubetask.io/timeout-seconds", "120");
    assertThat(seen.deadline())
        .isEqualTo(
            new JobObservation.Deadline(
                Instant.parse("2025-06-01T12:02:07Z").toEpochMilli(),
                Outcome.failed(
                    "DeadlineExceeded",
                    "The agent ran longer than its timeout of 2m and was stopped.")));
  }

  @Test
  void aTaskStoppedBeforeItStartedCreatesNothing() {
    applyAgent("coder", coder());
    TaskRef ref = applyTask("early", "coder", List.of(), Map.of("kubetask.io/stop", "OutOfBudget"));
    TaskRef odd = applyTask("odd", "coder", List.of(), Map.of("kubetask.io/stop", "out of budget"));

    assertThat(start(ref))
        .isEqualTo(
            StartResult.invalid(
                Outcome.failed("OutOfBudget", "Stopped on request (OutOfBudget)."), null));
    assertThat(start(odd))
        .isEqualTo(
            StartResult.invalid(
                Outcome.failed("Stopped", "Stopped on request (kubetask.io/stop: out of budget)."),
                null));
    assertThat(jobs()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aRestartedWorkflowAdoptsItsJobWithoutReadingTheAgentOrContextsAgain() {
    applyKeepAliveAgent("hitl", 600);
    applyConfigMap("docs", Map.of("a.md", "A"), Map.of());
    TaskRef ref = applyTask("adopt", "hitl", List.of(key("/workspace/a.md", "docs", "a.md", null)));
    String name = start(ref).jobName();
    // Legitimate after the start: the content was copied, and the Agent may change or go.
    client.configMaps().inNamespace(NS).withName("docs").delete();
    client.resources(Agent.class).inNamespace(NS).withName("hitl").delete();

    StartResult again = start(ref);

    assertThat(again).isEqualTo(StartResult.adopted(name, 600, null));
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.RUNNING);
    assertThat(condition(ref, "Ready").getReason()).isEqualTo("JobCreated");
  }

  private long createdAt(String jobName) {
    return OffsetDateTime.parse(job(jobName).getMetadata().getCreationTimestamp())
        .toInstant()
        .toEpochMilli();
  }

  private void setPodStatus(Pod pod, PodStatus status) {
    Pod current = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
    current.setStatus(status);
    client.pods().inNamespace(NS).resource(current).updateStatus();
  }

  private static PodStatus runningSince(String startedAt) {
    return new PodStatusBuilder()
        .withPhase("Running")
        .addNewContainerStatus()
        .withName("agent")
        .withNewState()
        .withNewRunning()
        .withStartedAt(startedAt)
        .endRunning()
        .endState()
        .endContainerStatus()
        .build();
  }

  @Test
  void aLookAskedToFinishEndsTheTaskWithWhatTheAgentReportedInOneStatusWrite()
      throws InterruptedException {
    client
        .resource(
            new KubeTaskConfig(NS, "default", new KubeTaskConfigSpec(new TaskLifecycleConfig(60))))
        .create();
    TaskRef ref = applyTask("done", null, List.of());
    String name = start(ref).jobName();
    agentPod(markJob(name, "Complete", "CompletionsReached", 0), 0);
    clock.advance(Duration.ofMinutes(3));
    Instant completed = NOW.plus(Duration.ofMinutes(3));
    drainRequests();

    JobObservation seen = activities.observeJob(ref, name, false, true);

    assertThat(seen.outcome().reason()).isEqualTo("Completed");
    // The namespace's TTL (60 s), read beside the Task.
    assertThat(seen.expiry()).isEqualTo(Expiry.at(completed.plusSeconds(60).toEpochMilli()));
    String task = "/apis/kubetask.io/v1alpha1/namespaces/" + NS + "/tasks/" + ref.name();
    assertThat(drainRequests())
        .filteredOn(r -> r.contains("/tasks/"))
        .containsExactly("GET " + task, "PATCH " + task + "/status");
    TaskStatus status = status(ref);
    assertThat(status.phase()).isEqualTo(TaskPhase.COMPLETED);
    assertThat(status.completionTime()).isEqualTo(completed.toString());
    assertThat(status.expirationTime()).isEqualTo("2025-06-01T12:04:00Z");
    assertThat(condition(ref, "Succeeded"))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Completed");
    assertThat(condition(ref, "GoalAchieved"))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("Unknown", "NoResult");
    assertThat(events("Completed")).hasSize(1);

    // Looked at again (a retried activity): the same end, no second Event.
    assertThat(activities.observeJob(ref, name, false, true)).isEqualTo(seen);
    assertThat(events("Completed")).hasSize(1);
  }

  @Test
  void aLookNotAskedToFinishRecordsOnlyWhatTheAgentReported() {
    TaskRef ref = applyTask("reported", null, List.of());
    String name = start(ref).jobName();
    agentPod(markJob(name, "Complete", "CompletionsReached", 0), 0);

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.expiry()).isNull();
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.RUNNING);
    assertThat(condition(ref, "GoalAchieved").getReason()).isEqualTo("NoResult");
    assertThat(events("Completed")).isEmpty();
  }

  @Test
  void aLookAskedToFinishAtAJobDeletedByHandFailsTheTask() {
    TaskRef ref = applyTask("lost", null, List.of());
    String name = start(ref).jobName();
    client.batch().v1().jobs().inNamespace(NS).withName(name).delete();

    JobObservation seen = activities.observeJob(ref, name, false, true);

    assertThat(seen.outcome().reason()).isEqualTo("JobNotFound");
    assertThat(seen.expiry().present()).isTrue();
    assertThat(status(ref).phase()).isEqualTo(TaskPhase.FAILED);
    assertThat(condition(ref, "Succeeded").getReason()).isEqualTo("JobNotFound");
    assertThat(status(ref).conditions()).noneMatch(c -> c.getType().equals("GoalAchieved"));
  }

  @Test
  void observeJobMapsACompleteJob() {
    TaskRef ref = applyTask("obs", null, List.of());
    String name = start(ref).jobName();
    markJob(name, "Complete", "CompletionsReached", 0);

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.state()).isEqualTo(JobObservation.State.FINISHED);
    assertThat(seen.outcome().succeeded()).isTrue();
    assertThat(seen.outcome().reason()).isEqualTo("Completed");
  }

  @Test
  void observeJobMapsAFailedJobWithTheAgentsExitCode() {
    TaskRef ref = applyTask("obs", null, List.of());
    String name = start(ref).jobName();
    Job job = markJob(name, "Failed", "BackoffLimitExceeded", 0);
    agentPod(job, 3);

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.state()).isEqualTo(JobObservation.State.FINISHED);
    assertThat(seen.outcome().succeeded()).isFalse();
    assertThat(seen.outcome().reason()).isEqualTo("Failed");
    assertThat(seen.outcome().message()).contains("code 3");
  }

  @Test
  void observeJobIgnoresPodsOfOtherJobs() {
    TaskRef ref = applyTask("obs", null, List.of());
    String name = start(ref).jobName();
    markJob(name, "Failed", "BackoffLimitExceeded", 0);
    Job stranger =
        new JobBuilder()
            .withNewMetadata()
            .withName("stranger")
            .withUid("stranger-uid")
            .endMetadata()
            .build();
    agentPod(stranger, 42);

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.outcome().message()).doesNotContain("42").contains("BackoffLimitExceeded");
  }

  @Test
  void observeJobOfADeletedJobIsAFailure() {
    TaskRef ref = applyTask("obs", null, List.of());
    String name = start(ref).jobName();
    client.batch().v1().jobs().inNamespace(NS).withName(name).delete();

    JobObservation seen = activities.observeJob(ref, name, false, false);

    assertThat(seen.state()).isEqualTo(JobObservation.State.FINISHED);
    assertThat(seen.outcome().reason()).isEqualTo("JobNotFound");
  }

  @Test
  void keepAliveWindowOpensIsRecordedAndTheReleaseReachesThePod() {
    applyKeepAliveAgent("hitl", 600);
    TaskRef ref = applyTask("hitl-task", "hitl", List.of());
    String name = start(ref).jobName();
    Job job = markJob(name, null, null, 1);
    agentPod(job, null);
    assertThat(activities.observeJob(ref, name, true, false)).isEqualTo(JobObservation.agentDone());
    assertThat(activities.observeJob(ref, name, false, false).state())
        .isEqualTo(JobObservation.State.RUNNING);

    long closesAt = NOW.plusSeconds(600).toEpochMilli();
    activities.windowOpened(ref, closesAt);

    Condition open = condition(ref, "HumanInTheLoop");
    assertThat(open.getStatus()).isEqualTo("True");
    assertThat(open.getReason()).isEqualTo("WindowOpen");
    assertThat(open.getMessage())
        .contains("2025-06-01T12:10:00Z")
        .contains("kubetask.io/release=true");
    assertThat(events("WindowOpen")).hasSize(1);

    clock.advance(Duration.ofMinutes(2));
    activities.releasePod(ref, name);

    Pod pod = client.pods().inNamespace(NS).withName(name + "-x7k2p").get();
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("kubetask.io/release", "true");
    Condition closed = condition(ref, "HumanInTheLoop");
    assertThat(closed.getStatus()).isEqualTo("False");
    assertThat(closed.getReason()).isEqualTo("WindowClosed");
    assertThat(closed.getLastTransitionTime()).isEqualTo("2025-06-01T12:02:00Z");
    // Releasing again changes nothing.
    activities.releasePod(ref, name);
    assertThat(condition(ref, "HumanInTheLoop").getLastTransitionTime())
        .isEqualTo("2025-06-01T12:02:00Z");
  }

  @Test
  void deleteJobDeletesOnlyThisTasksJob() {
    TaskRef ref = applyTask("stop-me", null, List.of());
    String name = start(ref).jobName();

    activities.deleteJob(new TaskRef(NS, "stop-me", "another-uid"), name);
    assertThat(job(name)).isNotNull();

    activities.deleteJob(ref, name);
    assertThat(job(name)).isNull();
    activities.deleteJob(ref, name);
  }
}
