package io.kubetask.e2e.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TestNamespace;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local stack itself: the real Job controller and garbage collector of kube-controller-manager,
 * the scheduler, kwok's label-driven pod stages, the namespace controller, and a Temporal dev
 * server that runs Schedules. Everything else the end-to-end suites prove rests on these.
 */
class StackE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace().withoutCrds();

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void aPlainJobCompletes() {
    Job job = job("plain", Map.of());
    awaitCondition(job, "Complete");
    Pod pod = pods(job).get(0);
    assertThat(pod.getSpec().getNodeName()).isEqualTo("kwok-node-0");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
  }

  @Test
  void aJobWhosePodCarriesTheFailureLabelFailsWithItsExitCode() {
    Job job =
        job("failing", Map.of("kubetask.test/outcome", "fail", "kubetask.test/exit-code", "3"));
    awaitCondition(job, "Failed");
    assertThat(pods(job))
        .singleElement()
        .satisfies(
            pod -> {
              assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
              assertThat(
                      pod.getStatus()
                          .getContainerStatuses()
                          .get(0)
                          .getState()
                          .getTerminated()
                          .getExitCode())
                  .isEqualTo(3);
            });
  }

  @Test
  void aJobWithARunDurationTakesAtLeastThatLong() {
    Job job = job("slow", Map.of("kubetask.test/run-duration", "5s"));
    Job done = awaitCondition(job, "Complete");
    Instant started = Instant.parse(done.getStatus().getStartTime());
    Instant completed = Instant.parse(done.getStatus().getCompletionTime());
    // The API's timestamps have whole seconds: 5 s of running can show as 4 s plus rounding.
    assertThat(Duration.between(started, completed)).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aHangingPodRunsUntilReleased() {
    Job job = job("hang", Map.of("kubetask.test/outcome", "hang", "kubetask.test/exit-code", "4"));
    Pod pod =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> pods(job).stream().findFirst().orElse(null),
                p -> p != null && "Running".equals(p.getStatus().getPhase()));
    assertThat(job(job).getStatus().getConditions()).isNullOrEmpty();

    client()
        .pods()
        .resource(pod)
        .edit(
            p ->
                new PodBuilder(p)
                    .editMetadata()
                    .addToAnnotations("kubetask.io/release", "true")
                    .endMetadata()
                    .build());
    awaitCondition(job, "Failed");
    assertThat(
            pods(job)
                .get(0)
                .getStatus()
                .getContainerStatuses()
                .get(0)
                .getState()
                .getTerminated()
                .getExitCode())
        .isEqualTo(4);
  }

  @Test
  void deletingAnOwnerGarbageCollectsItsDependents() {
    ConfigMap owner = client().resource(configMap("owner", null)).create();
    ConfigMap dependent =
        client()
            .resource(
                new ConfigMapBuilder(configMap("dependent", null))
                    .editMetadata()
                    .addNewOwnerReference()
                    .withApiVersion("v1")
                    .withKind("ConfigMap")
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .endOwnerReference()
                    .endMetadata()
                    .build())
            .create();

    client().resource(owner).delete();

    await().atMost(TIMEOUT).until(() -> client().resource(dependent).get() == null);
  }

  @Test
  void deletingANamespaceFinishes() {
    String name = "e2e-stack-ns-" + UUID.randomUUID().toString().substring(0, 8);
    client()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client().serviceAccounts().inNamespace(name).withName("default").get() != null);
    client()
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("content")
                .withNamespace(name)
                .endMetadata()
                .build())
        .create();

    client().namespaces().withName(name).delete();

    await().atMost(TIMEOUT).until(() -> client().namespaces().withName(name).get() == null);
  }

  @Test
  void temporalCreatesAndDescribesASchedule() {
    Stack stack = NS.stack();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporalAddress()).build());
    try {
      ScheduleClient schedules =
          ScheduleClient.newInstance(
              stubs,
              ScheduleClientOptions.newBuilder().setNamespace(stack.temporalNamespace()).build());
      String id = "stack-e2e-" + UUID.randomUUID();
      ScheduleHandle handle =
          schedules.createSchedule(
              id,
              Schedule.newBuilder()
                  .setAction(
                      ScheduleActionStartWorkflow.newBuilder()
                          .setWorkflowType("NoSuchWorkflow")
                          .setOptions(
                              WorkflowOptions.newBuilder()
                                  .setWorkflowId(id)
                                  .setTaskQueue("stack-e2e")
                                  .build())
                          .build())
                  .setSpec(
                      ScheduleSpec.newBuilder()
                          .setCronExpressions(List.of("0 9 * * *"))
                          .setTimeZoneName("Europe/Berlin")
                          .build())
                  .setState(
                      ScheduleState.newBuilder().setPaused(true).setNote("stack check").build())
                  .build(),
              ScheduleOptions.newBuilder().build());
      try {
        ScheduleDescription description = handle.describe();
        assertThat(description.getId()).isEqualTo(id);
        assertThat(description.getSchedule().getState().isPaused()).isTrue();
        assertThat(description.getSchedule().getState().getNote()).isEqualTo("stack check");
        assertThat(description.getSchedule().getSpec().getTimeZoneName())
            .isEqualTo("Europe/Berlin");
        assertThat(
                WorkflowClient.newInstance(
                        stubs,
                        WorkflowClientOptions.newBuilder()
                            .setNamespace(stack.temporalNamespace())
                            .build())
                    .getWorkflowServiceStubs()
                    .healthCheck()
                    .getStatus()
                    .name())
            .isEqualTo("SERVING");
      } finally {
        handle.delete();
      }
    } finally {
      stubs.shutdown();
    }
  }

  private static KubernetesClient client() {
    return NS.client();
  }

  private static ConfigMap configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS.name())
        .endMetadata()
        .withData(data)
        .build();
  }

  private static Job job(String name, Map<String, String> podLabels) {
    NS.awaitDefaultServiceAccount();
    return client()
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS.name())
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("main")
                .withImage("example.com/nothing:1")
                .withCommand("true")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private static Job job(Job job) {
    return client().resource(job).get();
  }

  private static Job awaitCondition(Job job, String type) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () -> job(job),
            j ->
                j.getStatus() != null
                    && j.getStatus().getConditions() != null
                    && j.getStatus().getConditions().stream()
                        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus())));
  }

  private static List<Pod> pods(Job job) {
    return client()
        .pods()
        .inNamespace(NS.name())
        .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName())
        .list()
        .getItems();
  }
}
