package io.kubetask.e2e.lifecycle;

import static io.kubetask.e2e.support.TaskWorld.condition;
import static io.kubetask.e2e.system.KubeTaskSystem.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.SecretKeyReference;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Agents in a namespace that enforces the "restricted" Pod Security Standard, on the real stack. An
 * Agent with the security contexts of {@code deploy/samples/agent-restricted.yaml} gets its pod
 * admitted and its Task completes; the same Task with an Agent that sets nothing is refused by
 * admission, which names what is missing. kwok runs no container, so whether the non-root agent can
 * read its credential file is shown by the pod that was admitted: it runs as user 1000 with fsGroup
 * 1000, and its file has mode 0400, to which the kubelet adds group read for fsGroup.
 */
class RestrictedNamespaceE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static TaskWorld world;
  private static AgentSpec sample;

  @BeforeAll
  static void start() throws IOException {
    KubeTaskSystem.get();
    String restricted =
        NS.another("restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    world = new TaskWorld(NS.client(), restricted, TIMEOUT);
    await("the default ServiceAccount of " + restricted)
        .atMost(TIMEOUT)
        .until(
            () ->
                NS.client().serviceAccounts().inNamespace(restricted).withName("default").get()
                    != null);
    String yaml =
        Files.readString(NS.stack().repoRoot().resolve("deploy/samples/agent-restricted.yaml"));
    sample = NS.client().getKubernetesSerialization().unmarshal(yaml, Agent.class).getSpec();
  }

  @Test
  void aNonRootAgentWithACredentialFileCompletesThere() {
    world
        .client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("github")
                .withNamespace(world.ns())
                .endMetadata()
                .withStringData(Map.of("token", "ghp_example"))
                .build())
        .create();
    world.agent(
        "non-root",
        restrictedAgent()
            .credentials(
                new Credential(
                    "github",
                    new SecretKeyReference("github", "token"),
                    null,
                    "/etc/token",
                    0400)));
    Task task = world.create("non-root", "non-root");

    Task completed = world.awaitPhase(task, TaskPhase.COMPLETED);

    assertThat(condition(completed, "Succeeded").getStatus()).isEqualTo("True");
    assertThat(world.eventReasons(task)).doesNotContain("PodCreationFailed");
    Job job = world.job(completed);
    assertThat(failedCreates(job)).as("FailedCreate Events of the Job").isEmpty();
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    // Admission let this pod in: its spec is what "restricted" and the non-root user need.
    PodSpec pod = world.pods(completed).stream().findFirst().orElseThrow().getSpec();
    PodSecurityContext podContext = pod.getSecurityContext();
    assertThat(podContext.getRunAsNonRoot()).isTrue();
    assertThat(podContext.getRunAsUser()).isEqualTo(1000L);
    assertThat(podContext.getRunAsGroup()).isEqualTo(1000L);
    assertThat(podContext.getFsGroup()).isEqualTo(1000L);
    assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container agent = pod.getContainers().get(0);
    SecurityContext context = agent.getSecurityContext();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(context.getReadOnlyRootFilesystem()).isTrue();

    VolumeMount tokenMount = mountAt(agent, "/etc/token");
    assertThat(tokenMount.getReadOnly()).isTrue();
    Volume token = volume(pod, tokenMount.getName());
    assertThat(token.getSecret().getSecretName()).isEqualTo("github");
    assertThat(token.getSecret().getItems())
        .singleElement()
        .satisfies(item -> assertThat(item.getMode()).isEqualTo(0400));
    for (String path : List.of("/workspace", "/tmp")) {
      VolumeMount scratch = mountAt(agent, path);
      assertThat(scratch.getReadOnly()).as(path).isNotEqualTo(Boolean.TRUE);
      assertThat(volume(pod, scratch.getName()).getEmptyDir()).as(path).isNotNull();
    }
  }

  @Test
  void anAgentWithoutTheSettingsIsRefusedByAdmissionThere() {
    world.agent("root", AgentSpecs.image("example.com/agent:1").startTimeout("15s"));
    Task task = world.create("root", "root");

    Task refused = world.awaitProgress(task, "PodCreationFailed");

    assertThat(condition(refused, "Succeeded").getMessage())
        .as("Pod Security admission names what the sample Agent sets")
        .contains("violates PodSecurity \"restricted:latest\"")
        .contains("allowPrivilegeEscalation != false")
        .contains("unrestricted capabilities")
        .contains("runAsNonRoot != true")
        .contains("seccompProfile");
    assertThat(world.pods(task)).isEmpty();
  }

  @Test
  void theApiServerAcceptsNonRootAgentsWhoseCredentialFilesTheyCanRead() {
    Credential file0400 = file(0400);
    List<AgentSpecs> readable =
        List.of(
            // fsGroup: the kubelet gives the file that group, group-readable.
            restrictedAgent().credentials(file0400),
            // Without fsGroup: a mode others may read, or one the root group may read.
            nonRoot().credentials(file(0444)),
            nonRoot().credentials(file(0440)),
            // Only runAsNonRoot: the user comes from the image, and admission may set fsGroup.
            AgentSpecs.image("example.com/agent:1")
                .podSecurityContext(new PodSecurityContextBuilder().withRunAsNonRoot(true).build())
                .credentials(file0400),
            // An env credential only: no file.
            nonRoot()
                .credentials(
                    new Credential("env", new SecretKeyReference("s", "k"), "TOKEN", null, null)));

    for (int i = 0; i < readable.size(); i++) {
      String name = "readable-" + i;
      AgentSpecs spec = readable.get(i);
      assertThatCode(() -> world.agent(name, spec)).as(name).doesNotThrowAnyException();
    }
  }

  /** The sample's security contexts on an image kwok "runs". */
  private static AgentSpecs restrictedAgent() {
    return AgentSpecs.image("example.com/agent:1")
        .podSecurityContext(sample.podSecurityContext())
        .securityContext(sample.securityContext());
  }

  /** User 1000 without fsGroup. */
  private static AgentSpecs nonRoot() {
    return AgentSpecs.image("example.com/agent:1")
        .podSecurityContext(new PodSecurityContextBuilder().withRunAsUser(1000L).build());
  }

  private static Credential file(int mode) {
    return new Credential("file", new SecretKeyReference("s", "k"), null, "/etc/token", mode);
  }

  private static VolumeMount mountAt(Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> path.equals(m.getMountPath()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount at " + path));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> name.equals(v.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static List<Event> failedCreates(Job job) {
    return world.client().v1().events().inNamespace(world.ns()).list().getItems().stream()
        .filter(e -> job.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .filter(e -> "FailedCreate".equals(e.getReason()))
        .toList();
  }
}
