package io.kubetask.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * YAML ↔ model round trip of each kind. Every fixture under {@code roundtrip/} sets every field of
 * its kind, so a field the model drops (the spec types ignore unknown properties) or renames shows
 * up as a difference between the fixture and the model's YAML.
 */
class ResourceRoundTripTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("task.yaml", Task.class),
        Arguments.of("crontask.yaml", CronTask.class),
        Arguments.of("agent.yaml", Agent.class),
        Arguments.of("kubetaskconfig.yaml", KubeTaskConfig.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void yamlToModelToYamlKeepsEveryField(String fixture, Class<? extends HasMetadata> kind)
      throws IOException {
    String yaml = read(fixture);

    HasMetadata resource = serialization.unmarshal(yaml, kind);
    String written = serialization.asYaml(resource);

    assertThat(YAML.readTree(written)).isEqualTo(YAML.readTree(yaml));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void modelToYamlToModelIsEqual(String fixture, Class<? extends HasMetadata> kind)
      throws IOException {
    HasMetadata resource = serialization.unmarshal(read(fixture), kind);

    HasMetadata again = serialization.unmarshal(serialization.asYaml(resource), kind);

    assertThat(again).isEqualTo(resource);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void genericUnmarshalPicksTheRegisteredKind(String fixture, Class<? extends HasMetadata> kind)
      throws IOException {
    serialization.registerKubernetesResource(kind);

    Object resource = serialization.unmarshal(read(fixture));

    assertThat(resource).isInstanceOf(kind);
  }

  @Test
  void taskFieldsAreTyped() throws IOException {
    Task task = serialization.unmarshal(read("task.yaml"), Task.class);

    assertThat(task.getSpec().agentName()).isEqualTo("claude");
    assertThat(task.getSpec().contexts()).extracting(Context::type).containsOnly(ContextType.FILE);
    assertThat(task.getSpec().contexts())
        .extracting(Context::path)
        .containsExactly("/workspace/task.md", "/workspace/guide.md", "/workspace/configs");
    assertThat(task.getSpec().contexts().get(0).file().source().inline())
        .isEqualTo("Update dependencies to latest versions.\nRun tests and create PR.\n");
    assertThat(task.getSpec().contexts().get(1).file().source().configMapKeyRef())
        .isEqualTo(new ConfigMapKeySelector("workflow-guides", "standard-pr-workflow.md", true));
    assertThat(task.getSpec().contexts().get(2).file().source().configMapRef())
        .isEqualTo(new ConfigMapReference("my-configs", false));
    assertThat(task.getStatus().phase()).isEqualTo(TaskPhase.RUNNING);
    assertThat(task.getStatus().jobName()).isEqualTo("round-trip-1a2b3c");
    assertThat(task.getStatus().startTime()).isEqualTo("2025-01-18T10:00:00Z");
    assertThat(task.getStatus().completionTime()).isEqualTo("2025-01-18T10:05:00Z");
    assertThat(task.getStatus().observedGeneration()).isEqualTo(1L);
    assertThat(task.getStatus().conditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo(Conditions.READY);
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo(Conditions.JOB_CREATED);
            });
  }

  @Test
  void cronTaskFieldsAreTyped() throws IOException {
    CronTask cronTask = serialization.unmarshal(read("crontask.yaml"), CronTask.class);

    CronTaskSpec spec = cronTask.getSpec();
    assertThat(spec.schedule()).isEqualTo("0 9 * * *");
    assertThat(spec.timeZone()).isEqualTo("Europe/Berlin");
    assertThat(spec.startingDeadlineSeconds()).isEqualTo(120L);
    assertThat(spec.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.REPLACE);
    assertThat(spec.suspend()).isTrue();
    assertThat(spec.successfulTasksHistoryLimit()).isEqualTo(5);
    assertThat(spec.failedTasksHistoryLimit()).isEqualTo(2);
    assertThat(spec.taskTemplate().metadata().labels()).containsEntry("app", "daily-report");
    assertThat(spec.taskTemplate().metadata().annotations()).containsEntry("team", "reporting");
    assertThat(spec.taskTemplate().spec().agentRef()).isEqualTo("claude");
    CronTaskStatus status = cronTask.getStatus();
    assertThat(status.active())
        .singleElement()
        .satisfies(r -> assertThat(r.getName()).isEqualTo("daily-report-1733846400"));
    assertThat(status.lastScheduleTime()).isEqualTo("2025-12-10T09:00:00Z");
    assertThat(status.lastSuccessfulTime()).isEqualTo("2025-12-09T09:05:00Z");
    assertThat(status.conditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getType()).isEqualTo(Conditions.SCHEDULED));
  }

  @Test
  void agentFieldsAreTyped() throws IOException {
    Agent agent = serialization.unmarshal(read("agent.yaml"), Agent.class);

    AgentSpec spec = agent.getSpec();
    assertThat(spec.command())
        .containsExactly("sh", "-c", "gemini --yolo -p \"$(cat /workspace/task.md)\"");
    assertThat(spec.humanInTheLoopEnabled()).isTrue();
    assertThat(spec.humanInTheLoop().keepAliveOrDefault()).isEqualTo(600);
    assertThat(spec.credentials())
        .containsExactly(
            new Credential(
                "github-token",
                new SecretKeyReference("github-creds", "token"),
                "GITHUB_TOKEN",
                null,
                null),
            new Credential(
                "ssh-key",
                new SecretKeyReference("ssh-keys", "id_rsa"),
                null,
                "/home/agent/.ssh/id_rsa",
                0400));
    assertThat(spec.podLabels()).containsEntry("network-policy", "agent-restricted");
    assertThat(spec.scheduling().nodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(spec.scheduling().tolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getEffect()).isEqualTo("NoSchedule"));
    assertThat(spec.scheduling().affinity().getNodeAffinity()).isNotNull();
    assertThat(spec.serviceAccountName()).isEqualTo("kubetask-agent");
    assertThat(spec.podSecurityContext().getRunAsUser()).isEqualTo(1000L);
    assertThat(spec.podSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(spec.podSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(spec.securityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(spec.securityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  void kubeTaskConfigFieldsAreTyped() throws IOException {
    KubeTaskConfig config =
        serialization.unmarshal(read("kubetaskconfig.yaml"), KubeTaskConfig.class);

    assertThat(config.getSpec().taskLifecycle().ttlSecondsAfterFinished()).isEqualTo(86400);
    assertThat(config.getSpec().ttlSecondsOrDefault()).isEqualTo(86400L);
  }

  @Test
  void absentOptionalFieldsStayAbsent() {
    Task task =
        new Task(
            "ns",
            "t",
            new TaskSpec(
                java.util.List.of(Context.file(FileContext.inline("/workspace/task.md", "x"))),
                null));

    JsonNode tree = serialization.convertValue(task, JsonNode.class);

    assertThat(tree.get("spec").has("agentRef")).isFalse();
    assertThat(tree.get("spec").get("contexts").get(0).get("file").get("source").fieldNames())
        .toIterable()
        .containsExactly("inline");
    assertThat(tree.has("status")).isFalse();
    assertThat(task.getSpec().agentName()).isEqualTo(Agent.DEFAULT_NAME);
  }

  static String read(String fixture) throws IOException {
    try (InputStream in =
        ResourceRoundTripTest.class.getResourceAsStream("/roundtrip/" + fixture)) {
      assertThat(in).as("fixture roundtrip/%s", fixture).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
