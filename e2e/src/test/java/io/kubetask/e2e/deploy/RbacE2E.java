package io.kubetask.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.e2e.support.TestNamespace;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/'s RBAC on the real API server: neither KubeTask identity can read a Secret, and each has
 * the verbs its code uses and not the other's. (That those verbs are enough is shown by the
 * rbac-e2e run of TaskE2E and by LeaderElectionE2E, which run as these identities.)
 */
@Tag("deploy")
class RbacE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  @BeforeAll
  static void applyRbac() {
    DeployRbac.apply(NS.stack());
    NS.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("llm-credentials")
                .withNamespace(NS.name())
                .endMetadata()
                .addToStringData("api-key", "not-for-kubetask")
                .build())
        .create();
  }

  @ParameterizedTest
  @ValueSource(strings = {DeployRbac.OPERATOR, DeployRbac.WORKER})
  void cannotReadSecrets(String serviceAccount) {
    try (KubernetesClient as = DeployRbac.impersonating(NS.stack(), serviceAccount)) {
      var secrets = as.secrets().inNamespace(NS.name());

      assertThatThrownBy(() -> secrets.withName("llm-credentials").get())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      assertThatThrownBy(() -> secrets.list())
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      assertThatThrownBy(() -> as.secrets().inAnyNamespace().list())
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
      // The same identity can do its own work, so the 403 is about Secrets, not a broken login.
      assertThat(as.resources(Task.class).inNamespace(NS.name()).withName("absent").get()).isNull();
    }
  }

  @Test
  void aProcessGivenTheImpersonationEnvironmentIsTheWorker() throws Exception {
    // What MetricsE2E gives the KubeTask processes it starts: checked with a small probe process.
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-cp",
            System.getProperty("java.class.path"),
            WhoAmI.class.getName(),
            NS.name());
    builder.environment().put("KUBECONFIG", NS.stack().kubeconfig());
    builder.environment().putAll(DeployRbac.impersonationEnv(DeployRbac.WORKER));
    builder.redirectErrorStream(true);
    Process probe = builder.start();
    String output =
        new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

    assertThat(probe.waitFor()).as(output).isZero();
    assertThat(output).contains("403 " + DeployRbac.username(DeployRbac.WORKER));
  }

  /** Lists Secrets with a client configured the usual way and prints who was refused. */
  public static final class WhoAmI {
    public static void main(String[] args) {
      try (KubernetesClient client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
        client.secrets().inNamespace(args[0]).list();
        System.out.println("allowed");
      } catch (KubernetesClientException e) {
        var user = java.util.regex.Pattern.compile("User \"([^\"]+)\"").matcher(e.getMessage());
        System.out.println(e.getCode() + " " + (user.find() ? user.group(1) : e.getMessage()));
      }
    }
  }

  static Stream<Arguments> permissions() {
    String op = DeployRbac.OPERATOR;
    String wk = DeployRbac.WORKER;
    String ns = "team-a";
    String own = DeployRbac.NAMESPACE;
    return Stream.of(
        // The operator watches and adds finalizers; it creates nothing but Events and its Lease.
        Arguments.of(op, "watch", "kubetask.io", "tasks", "", ns, true),
        Arguments.of(op, "patch", "kubetask.io", "tasks", "", ns, true),
        Arguments.of(op, "patch", "kubetask.io", "crontasks", "status", ns, true),
        // What the agent's pod does, while the Job runs.
        Arguments.of(op, "patch", "kubetask.io", "tasks", "status", ns, true),
        Arguments.of(op, "watch", "batch", "jobs", "", ns, true),
        Arguments.of(op, "create", "", "events", "", ns, true),
        Arguments.of(op, "watch", "", "events", "", ns, true),
        Arguments.of(op, "watch", "", "pods", "", ns, true),
        Arguments.of(op, "patch", "", "pods", "", ns, false),
        Arguments.of(op, "update", "coordination.k8s.io", "leases", "", own, true),
        Arguments.of(op, "patch", "coordination.k8s.io", "leases", "", own, true),
        Arguments.of(op, "update", "coordination.k8s.io", "leases", "", ns, false),
        Arguments.of(op, "create", "batch", "jobs", "", ns, false),
        Arguments.of(op, "delete", "kubetask.io", "tasks", "", ns, false),
        Arguments.of(op, "get", "", "secrets", "", ns, false),
        Arguments.of(op, "update", "kubetask.io", "tasks", "", ns, false),
        // The worker acts through activities: one watch (FailedCreate Events), no leases, no
        // Secrets.
        Arguments.of(wk, "patch", "kubetask.io", "tasks", "status", ns, true),
        Arguments.of(wk, "create", "batch", "jobs", "", ns, true),
        Arguments.of(wk, "create", "", "configmaps", "", ns, true),
        Arguments.of(wk, "patch", "", "pods", "", ns, true),
        Arguments.of(wk, "list", "", "events", "", ns, true),
        Arguments.of(wk, "watch", "", "events", "", ns, true),
        Arguments.of(wk, "delete", "kubetask.io", "tasks", "", ns, true),
        Arguments.of(wk, "update", "kubetask.io", "tasks", "finalizers", ns, true),
        Arguments.of(wk, "update", "kubetask.io", "crontasks", "finalizers", ns, true),
        Arguments.of(wk, "watch", "kubetask.io", "tasks", "", ns, false),
        Arguments.of(wk, "patch", "kubetask.io", "crontasks", "status", ns, true),
        Arguments.of(wk, "delete", "", "pods", "", ns, false),
        Arguments.of(wk, "update", "", "configmaps", "", ns, false),
        Arguments.of(wk, "list", "kubetask.io", "agents", "", ns, true),
        Arguments.of(wk, "create", "coordination.k8s.io", "leases", "", own, false),
        Arguments.of(wk, "get", "", "secrets", "", ns, false),
        Arguments.of(wk, "list", "", "secrets", "", own, false));
  }

  @ParameterizedTest(name = "{0} {1} {2}/{3}/{4} in {5}: {6}")
  @MethodSource("permissions")
  void grantsWhatTheCodeUsesAndNoMore(
      String serviceAccount,
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      boolean allowed) {
    assertThat(allowed(serviceAccount, verb, group, resource, subresource, namespace, null))
        .isEqualTo(allowed);
  }

  @Test
  void theWorkerRewritesNoConfigMapButTheSlotLedger() {
    String wk = DeployRbac.WORKER;
    assertThat(allowed(wk, "update", "", "configmaps", "", "team-a", "kubetask-slots")).isTrue();
    assertThat(allowed(wk, "update", "", "configmaps", "", "team-a", "settings")).isFalse();
  }

  private static boolean allowed(
      String serviceAccount,
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      String name) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(DeployRbac.username(serviceAccount))
            .withGroups(DeployRbac.GROUPS)
            .withResourceAttributes(
                new ResourceAttributesBuilder()
                    .withVerb(verb)
                    .withGroup(group)
                    .withResource(resource)
                    .withSubresource(subresource)
                    .withNamespace(namespace)
                    .withName(name)
                    .build())
            .endSpec()
            .build();
    return NS.client().resource(review).create().getStatus().getAllowed();
  }

  @Test
  void theServiceAccountsExistWhereDeployPutsThem() {
    for (String name : List.of(DeployRbac.OPERATOR, DeployRbac.WORKER)) {
      assertThat(
              NS.client().serviceAccounts().inNamespace(DeployRbac.NAMESPACE).withName(name).get())
          .as(name)
          .isNotNull();
    }
  }
}
