package io.kubetask.e2e.task;

import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.support.TaskWorld.inline;
import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.PodScheduling;
import io.kubetask.api.v1alpha1.SecretKeyReference;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.Kubectl;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowNotFoundException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Task's run end to end: the operator and worker in this JVM, the real API server, Job
 * controller, scheduler and garbage collector, kwok driving the pods, and the Temporal dev server.
 */
class TaskE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static KubeTaskSystem system;
  private static KubernetesClient client;
  private static TaskWorld world;

  @BeforeAll
  static void start() {
    system = KubeTaskSystem.get();
    client = system.client();
    world = system.world(NS.name());
    NS.awaitDefaultServiceAccount();
  }

  @Test
  void anAgentWithOneSlotRunsItsTasksOneAfterTheOther() {
    world.agent("single", AgentSpecs.image("example.com/echo:1").runs("3s").maxConcurrentTasks(1));
    Task first = world.create("single-first", "single");
    world.awaitPhase(first, TaskPhase.RUNNING);
    Task second = world.create("single-second", "single");

    Task queued = world.awaitPhase(second, TaskPhase.QUEUED);
    assertThat(queued.getStatus().queuePosition()).isEqualTo(1);
    assertThat(condition(queued, "Ready"))
        .extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly(
            "False", "AgentAtCapacity", "1st of 1 waiting for Agent single: 1/1 running.");
    assertThat(world.jobs(second)).isEmpty();

    Task firstDone = world.awaitPhase(first, TaskPhase.COMPLETED);
    Task secondDone = world.awaitPhase(second, TaskPhase.COMPLETED);
    assertThat(TaskWorld.instant(secondDone.getStatus().startTime()))
        .isAfterOrEqualTo(TaskWorld.instant(firstDone.getStatus().completionTime()));
    assertThat(secondDone.getStatus().queuePosition()).isNull();
    assertThat(world.eventReasons(secondDone)).contains("AgentAtCapacity");
  }

  @Test
  void theOperatorTellsWhatThePodDoesAndTheWorkflowIsWokenOnlyWhenTheJobEnds() {
    world.agent("steady", AgentSpecs.image("example.com/echo:1").runs("3s"));
    Task task = world.create("steady-run", "steady");

    Task running = world.awaitProgress(task, "Running");
    assertThat(condition(running, "Succeeded").getMessage()).isEqualTo("The agent is running.");
    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);

    assertThat(
            client.v1().events().inNamespace(NS.name()).list().getItems().stream()
                .filter(e -> done.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                .filter(e -> "Running".equals(e.getReason())))
        .singleElement()
        .satisfies(e -> assertThat(e.getSource().getComponent()).isEqualTo("kubetask-operator"));
    var history =
        system.temporal().fetchHistory(done.getStatus().workflowId()).getEvents().stream()
            .map(e -> e.getEventType().name())
            .toList();
    // One signal (the Job ended), its activities local (markers), nothing else to wake for.
    assertThat(history)
        .filteredOn(type -> type.equals("EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED"))
        .hasSize(1);
    assertThat(history).noneMatch(type -> type.startsWith("EVENT_TYPE_ACTIVITY_TASK"));
  }

  @Test
  void runsAgentToCompletion() {
    world.agent("echo", AgentSpecs.image("example.com/echo:1"));
    Task task = world.create("hello", "echo", inline("/workspace/task.md", "Say hello."));

    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    assertThat(done.getStatus().jobName()).isNotBlank();
    assertThat(done.getStatus().startTime()).isNotBlank();
    assertThat(done.getStatus().completionTime()).isNotBlank();
    assertThat(done.getStatus().workflowId())
        .isEqualTo("task/" + NS.name() + "/hello/" + done.getMetadata().getUid());
    assertThat(condition(done, "Ready"))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "JobCreated");
    assertThat(condition(done, "Succeeded"))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Completed");
    assertThat(condition(done, "Succeeded").getLastTransitionTime()).isNotBlank();
    assertThat(condition(done, "Succeeded").getObservedGeneration()).isEqualTo(1L);

    Job job = world.job(done);
    assertThat(job.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Complete") && c.getStatus().equals("True"));
    // Disrupted pods run again once; an exiting agent fails the Job at once.
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
    assertThat(job.getSpec().getPodFailurePolicy().getRules())
        .extracting(r -> r.getAction())
        .containsExactly("Count", "FailJob");
    assertThat(done.getStatus().attempts()).isEqualTo(1);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("agent");
              assertThat(c.getImage()).isEqualTo("example.com/echo:1");
              assertThat(c.getCommand()).isEmpty();
              assertThat(env(c.getEnv()))
                  .containsEntry("TASK_NAME", "hello")
                  .containsEntry("TASK_NAMESPACE", NS.name());
            });
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(done.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(world.eventReasons(done)).contains("JobCreated", "Completed"));
  }

  @Test
  void reportsTheAgentsExitCodeOnFailure() {
    world.agent("failing", AgentSpecs.image("example.com/echo:1").fails(3));
    Task task = world.create("fails", "failing", inline("/workspace/task.md", "Fail."));

    Task done = world.awaitPhase(task, TaskPhase.FAILED);
    Condition succeeded = condition(done, "Succeeded");
    assertThat(succeeded.getStatus()).isEqualTo("False");
    assertThat(succeeded.getMessage()).contains("exited with code 3");
    assertThat(done.getStatus().completionTime()).isNotBlank();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(world.eventReasons(done)).contains(succeeded.getReason()));
  }

  @Test
  void placesEveryKindOfContextAtItsExactPath() {
    world.configMap("guides", Map.of("review.md", "Review carefully.\n", "unused.md", "x"));
    world.configMap("project-configs", Map.of("a.yaml", "a: 1\n", "b.yaml", "b: 2\n"));
    world.configMap("org", Map.of("guidelines.md", "Be kind.\n", "style.md", "Agent style\n"));
    world.agent(
        "with-defaults",
        AgentSpecs.image("example.com/echo:1")
            .defaultContexts(
                Context.file(
                    FileContext.configMapKey(
                        "/workspace/org-guidelines.md", "org", "guidelines.md")),
                Context.file(FileContext.configMapKey("/workspace/style.md", "org", "style.md"))));
    Task task =
        world.create(
            "contexts",
            "with-defaults",
            inline(
                "/workspace/task.md",
                "Refactor the authentication module.\nLine 2 with 'quotes' and $HOME\n"),
            Context.file(FileContext.configMapKey("/workspace/guide.md", "guides", "review.md")),
            Context.file(FileContext.configMapDir("/workspace/configs", "project-configs")),
            inline("/workspace/style.md", "Task style wins\n"),
            inline("/etc/agent/empty.txt", ""));

    Task running = world.awaitPhase(task, TaskPhase.COMPLETED);
    Job job = world.job(running);
    ConfigMap data = world.contextConfigMap(running);
    assertThat(data).as("context ConfigMap").isNotNull();
    Map<String, String> files = filesByPath(job, data);
    assertThat(files)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "/workspace/task.md",
                    "Refactor the authentication module.\nLine 2 with 'quotes' and $HOME\n",
                "/workspace/guide.md", "Review carefully.\n",
                "/workspace/org-guidelines.md", "Be kind.\n",
                "/workspace/style.md", "Task style wins\n",
                "/etc/agent/empty.txt", ""));
    List<VolumeMount> mounts =
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts();
    VolumeMount dir =
        mounts.stream()
            .filter(m -> m.getMountPath().equals("/workspace/configs"))
            .findFirst()
            .orElseThrow();
    Volume dirVolume = volume(job, dir.getName());
    assertThat(dirVolume.getConfigMap().getName()).isEqualTo("project-configs");
    assertThat(dir.getSubPath()).isNull();
    VolumeMount workspace =
        mounts.stream()
            .filter(m -> m.getMountPath().equals("/workspace"))
            .findFirst()
            .orElseThrow();
    assertThat(volume(job, workspace.getName()).getEmptyDir())
        .as("/workspace is a writable emptyDir")
        .isNotNull();
    assertThat(mounts).extracting(VolumeMount::getMountPath).isSorted();
  }

  @Test
  void passesCredentialsAsEnvAndFiles() {
    client
        .secrets()
        .inNamespace(NS.name())
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("creds")
                .endMetadata()
                .withStringData(Map.of("token", "t0ken", "id_rsa", "key"))
                .build())
        .create();
    world.agent(
        "with-creds",
        AgentSpecs.image("example.com/echo:1")
            .credentials(
                new Credential(
                    "github", new SecretKeyReference("creds", "token"), "GITHUB_TOKEN", null, null),
                new Credential(
                    "ssh",
                    new SecretKeyReference("creds", "id_rsa"),
                    null,
                    "/home/agent/.ssh/id_rsa",
                    0400)));
    Task task = world.create("creds", "with-creds", inline("/workspace/task.md", "Use the token."));

    Job job = world.job(world.awaitPhase(task, TaskPhase.COMPLETED));
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    EnvVar token =
        container.getEnv().stream()
            .filter(e -> e.getName().equals("GITHUB_TOKEN"))
            .findFirst()
            .orElseThrow();
    assertThat(token.getValue()).isNull();
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("creds");
    assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    VolumeMount key =
        container.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals("/home/agent/.ssh/id_rsa"))
            .findFirst()
            .orElseThrow();
    Volume secret = volume(job, key.getName());
    assertThat(secret.getSecret().getSecretName()).isEqualTo("creds");
    assertThat(secret.getSecret().getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("id_rsa");
              assertThat(item.getPath()).isEqualTo(key.getSubPath());
              assertThat(item.getMode()).isEqualTo(0400);
            });
  }

  @Test
  void appliesPodLabelsSchedulingAndServiceAccountToThePod() {
    client
        .serviceAccounts()
        .inNamespace(NS.name())
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("agent-sa")
                .endMetadata()
                .build())
        .create();
    world.agent(
        "placed",
        AgentSpecs.image("example.com/echo:1")
            .label("network-policy", "agent-restricted")
            .label("kubetask.io/task", "spoofed")
            .runs("3s")
            .scheduling(
                new PodScheduling(
                    Map.of("kubernetes.io/os", "linux"),
                    List.of(
                        new TolerationBuilder()
                            .withKey("dedicated")
                            .withOperator("Equal")
                            .withValue("ai-workload")
                            .withEffect("NoSchedule")
                            .build()),
                    null))
            .serviceAccount("agent-sa"));
    Task task = world.create("placed", "placed", inline("/workspace/task.md", "Run here."));

    Task running = world.awaitPhase(task, TaskPhase.RUNNING);
    Pod pod =
        await()
            .atMost(TIMEOUT)
            .until(() -> world.pods(running).stream().findFirst(), Optional::isPresent)
            .get();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("network-policy", "agent-restricted")
        .containsEntry("kubetask.io/task", "placed")
        .containsEntry("kubetask.io/task-uid", running.getMetadata().getUid())
        .containsEntry("app.kubernetes.io/managed-by", "kubetask");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("agent-sa");
    assertThat(pod.getSpec().getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getSpec().getTolerations()).anyMatch(t -> "dedicated".equals(t.getKey()));
    assertThat(pod.getSpec().getNodeName())
        .as("scheduled onto the kwok node")
        .isEqualTo("kwok-node-0");
    world.awaitPhase(task, TaskPhase.COMPLETED);
  }

  @Test
  void waitsForAMissingAgentAndStartsWhenItAppears() {
    Task task =
        world.create("needs-agent", "late-agent", inline("/workspace/task.md", "Wait for me."));

    Task pending = world.awaitPhase(task, TaskPhase.PENDING);
    Condition ready =
        await().atMost(TIMEOUT).until(() -> condition(world.get(task), "Ready"), c -> c != null);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("AgentNotFound");
    assertThat(ready.getMessage()).contains("late-agent");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(world.eventReasons(pending)).contains("AgentNotFound"));

    world.agent("late-agent", AgentSpecs.image("example.com/echo:1"));
    world.awaitPhase(task, TaskPhase.COMPLETED);
  }

  @Test
  void waitsForAMissingConfigMapAndStartsWhenItAppears() {
    world.agent("cm-agent", AgentSpecs.image("example.com/echo:1"));
    Task task =
        world.create(
            "needs-cm",
            "cm-agent",
            Context.file(
                FileContext.configMapKey("/workspace/guide.md", "late-guides", "guide.md")));

    Condition ready =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> condition(world.get(task), "Ready"),
                c -> c != null && "ContextNotFound".equals(c.getReason()));
    assertThat(ready.getMessage()).contains("late-guides").contains("/workspace/guide.md");
    assertThat(world.get(task).getStatus().phase()).isEqualTo(TaskPhase.PENDING);

    world.configMap("late-guides", Map.of("guide.md", "Arrived late.\n"));
    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    Job job = world.job(done);
    ConfigMap data = world.contextConfigMap(done);
    assertThat(filesByPath(job, data)).containsEntry("/workspace/guide.md", "Arrived late.\n");
  }

  @Test
  void aRecreatedWorkflowAdoptsTheRunningJobAndNeverGoesBack() throws Exception {
    world.agent("adopter", AgentSpecs.image("example.com/echo:1").runs("25s"));
    world.configMap("brief", Map.of("task.md", "Do it.\n"));
    Task task =
        world.awaitPhase(
            world.create(
                "adopted",
                "adopter",
                Context.file(FileContext.configMapKey("/workspace/task.md", "brief", "task.md"))),
            TaskPhase.RUNNING);
    String job = task.getStatus().jobName();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Watch watch =
        client
            .resources(Task.class)
            .inNamespace(NS.name())
            .withName("adopted")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Task t) {
                    Condition ready = condition(t, "Ready");
                    seen.add(TaskWorld.phase(t) + "/" + (ready == null ? null : ready.getReason()));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      // Legitimate while it runs: its content was copied when it started.
      client.configMaps().inNamespace(NS.name()).withName("brief").delete();
      world.agent("adopter", AgentSpecs.image("example.com/other:2").runs("25s"));
      String workflowId = task.getStatus().workflowId();
      String lostRun =
          system.temporal().newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
      system.temporal().newUntypedWorkflowStub(workflowId).terminate("lost for the test");

      Task done = world.awaitPhase(task, TaskPhase.COMPLETED);

      String adoptingRun =
          system.temporal().newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
      assertThat(adoptingRun).as("a new workflow run finished the Task").isNotEqualTo(lostRun);
      assertThat(done.getStatus().jobName()).isEqualTo(job);
      assertThat(world.jobs(done)).hasSize(1);
      await("the watch sees the Task completed")
          .atMost(TIMEOUT)
          .until(() -> seen.stream().anyMatch(s -> s.startsWith(TaskPhase.COMPLETED + "/")));
      assertThat(seen)
          .as("every state the Task was in after it ran")
          .allMatch(
              s ->
                  s.startsWith(TaskPhase.RUNNING + "/") || s.startsWith(TaskPhase.COMPLETED + "/"));
      assertThat(world.eventReasons(done)).doesNotContain("ContextNotFound", "AgentNotFound");
    }
  }

  @Test
  void deletingARunningTaskRemovesItsJobAndConfigMap() {
    world.agent("hanging", AgentSpecs.image("example.com/echo:1").hangs());
    Task task = world.create("deleted", "hanging", inline("/workspace/task.md", "Never ends."));
    Task running = world.awaitPhase(task, TaskPhase.RUNNING);
    await().atMost(TIMEOUT).until(() -> !world.pods(running).isEmpty());

    client.resource(running).delete();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(world.get(task)).isNull();
              assertThat(world.job(running)).isNull();
              assertThat(world.contextConfigMap(running)).isNull();
              assertThat(world.pods(running)).isEmpty();
            });
    world.awaitWorkflow(running, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void aTaskDeletedAsSoonAsItIsCreatedLeavesNoWorkflowRunning() {
    world.agent("fleeting", AgentSpecs.image("example.com/echo:1").hangs());
    // Deleted before or after the operator put its finalizer on: either way nothing runs on.
    Task task = world.create("fleeting", "fleeting");
    client.resource(task).delete();

    world.awaitGone(task, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(workflowStatus(task))
                  .isNotEqualTo(
                      Optional.of(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING));
              assertThat(world.jobs(task)).isEmpty();
            });
  }

  /** The status of the Task's workflow, or empty when there is none. */
  private static Optional<WorkflowExecutionStatus> workflowStatus(Task task) {
    try {
      return Optional.of(world.workflow(task).getStatus());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Test
  void runsATaskWithAVeryLongName() {
    world.agent("long", AgentSpecs.image("example.com/echo:1"));
    String name = "a-task-with-a-very-long-name-" + "x".repeat(80) + "-that-ends-here";
    assertThat(name.length()).isGreaterThan(100);
    Task task = world.create(name, "long", inline("/workspace/task.md", "Long names work."));

    Task done = world.awaitPhase(task, TaskPhase.COMPLETED);
    assertThat(done.getStatus().jobName()).hasSizeLessThanOrEqualTo(63);
    assertThat(world.job(done).getMetadata().getLabels().get("kubetask.io/task"))
        .hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void runsWithTheBuiltInAgentWhenNoneIsNamed() {
    String ns = NS.another("no-agent");
    NS.awaitDefaultServiceAccount(ns);
    TaskWorld other = system.world(ns);
    Task task = other.create("builtin", null, inline("/workspace/task.md", "Default agent."));

    Task done = other.awaitPhase(task, TaskPhase.COMPLETED);
    PodSpec pod = other.job(done).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage())
        .isEqualTo("quay.io/zhaoxue/kubetask-agent-gemini:latest");
    assertThat(pod.getServiceAccountName()).isEqualTo("default");
  }

  @Test
  void theSeedsKubectlCommandsWork() throws Exception {
    world.agent("kubectl-agent", AgentSpecs.image("example.com/echo:1").runs("3s"));
    Kubectl kubectl = NS.kubectl();
    kubectl
        .runWithInput(taskYaml("watched", "kubectl-agent"), "apply", "-n", NS.name(), "-f", "-")
        .ok();
    List<String> watched = new ArrayList<>();
    Process watch =
        new ProcessBuilder(
                kubectl.binary().toString(),
                "--kubeconfig",
                NS.stack().kubeconfig(),
                "get",
                "task",
                "watched",
                "-n",
                NS.name(),
                "-w")
            .redirectErrorStream(true)
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (var lines =
                  new BufferedReader(
                      new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  synchronized (watched) {
                    watched.add(line);
                  }
                }
              } catch (java.io.IOException ignored) {
                // The process was stopped.
              }
            });
    reader.start();
    try {
      // The watch prints the Task as it is, then a line for every change until it is Completed.
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                synchronized (watched) {
                  assertThat(watched).hasSizeGreaterThanOrEqualTo(3);
                  assertThat(watched.get(0)).contains("NAME").contains("PHASE");
                  assertThat(watched.get(watched.size() - 1))
                      .contains("watched")
                      .contains("Completed");
                }
              });
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
    String table = kubectl.run("get", "tasks", "-n", NS.name()).ok();
    assertThat(table).contains("PHASE").contains("AGENT").contains("JOB").contains("watched");
    String jobName =
        kubectl
            .run("get", "task", "watched", "-n", NS.name(), "-o", "jsonpath={.status.jobName}")
            .ok();
    assertThat(jobName).isEqualTo(world.get("watched").getStatus().jobName());
    assertThat(kubectl.run("get", "job/" + jobName, "-n", NS.name()).ok()).contains(jobName);
  }

  @Test
  void theTemporalUiFindsTheTasksWorkflowBySearchAttributes() throws Exception {
    world.agent("ui-agent", AgentSpecs.image("example.com/echo:1"));
    Task done =
        world.awaitPhase(
            world.create("in-the-ui", "ui-agent", inline("/workspace/task.md", "Find me.")),
            TaskPhase.COMPLETED);
    String ui = NS.stack().setting("TEMPORAL_UI_URL").orElse("http://127.0.0.1:8233");
    String query =
        "KubeTaskNamespace=\""
            + NS.name()
            + "\" AND KubeTaskTask=\"in-the-ui\" AND KubeTaskAgent=\"ui-agent\"";
    URI uri =
        URI.create(
            ui
                + "/api/v1/namespaces/"
                + NS.stack().temporalNamespace()
                + "/workflows?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              HttpResponse<String> response =
                  http.send(
                      HttpRequest.newBuilder(uri).GET().build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(response.statusCode()).isEqualTo(200);
              assertThat(response.body()).contains(done.getStatus().workflowId());
            });
    assertThat(done.getStatus().workflowUrl()).startsWith(ui).contains("/workflows/");
  }

  static String taskYaml(String name, String agent) {
    return """
        apiVersion: kubetask.io/v1alpha1
        kind: Task
        metadata:
          name: %s
        spec:
          agentRef: %s
          contexts:
            - type: File
              file:
                filePath: /workspace/task.md
                source:
                  inline: Watch me.
        """
        .formatted(name, agent);
  }

  static Volume volume(Job job, String name) {
    return job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** What the agent sees at each file path: the ConfigMap value behind each subPath mount. */
  static Map<String, String> filesByPath(Job job, ConfigMap data) {
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    return container.getVolumeMounts().stream()
        .filter(
            m ->
                m.getSubPath() != null
                    && volume(job, m.getName()).getConfigMap() != null
                    && data.getMetadata()
                        .getName()
                        .equals(volume(job, m.getName()).getConfigMap().getName()))
        .collect(
            Collectors.toMap(VolumeMount::getMountPath, m -> data.getData().get(m.getSubPath())));
  }

  static Map<String, String> env(List<EnvVar> env) {
    return env.stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
