package io.kubetask.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.kubetask.e2e.support.CommandLine;
import io.kubetask.e2e.support.Stack;
import io.kubetask.e2e.support.TestNamespace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way of installing KubeTask, checked by the API server: each file of deploy/, the Kustomize
 * builds, the rendered Helm chart (several value sets) and the samples pass a server-side dry-run
 * apply with strict field validation. The chart renders the same objects and RBAC as deploy/.
 */
@Tag("deploy")
class ManifestsE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final String CHART = "deploy/helm/kubetask";
  private static Stack stack;
  private static Path root;
  private static Helm helm;

  @BeforeAll
  static void setUp() {
    stack = NS.stack();
    root = stack.repoRoot();
    // Namespaced objects can be dry-run only into a namespace that exists.
    DeployRbac.apply(stack);
    helm = Helm.find(stack);
  }

  @Test
  void everyFileOfDeployAppliesOnItsOwn() throws IOException {
    List<Path> files = yamlFiles(root.resolve("deploy/crds"));
    files.addAll(yamlFiles(root.resolve("deploy/kubetask")));

    assertThat(files).hasSizeGreaterThanOrEqualTo(10);
    for (Path file : files) {
      dryRun(Files.readString(file), root.relativize(file).toString());
    }
  }

  @Test
  void theKustomizeBuildsApply() {
    String all = kubectl("kustomize", root.resolve("deploy").toString());
    String example = kubectl("kustomize", root.resolve("deploy/overlays/example").toString());

    dryRun(all, "kubectl kustomize deploy");
    dryRun(example, "kubectl kustomize deploy/overlays/example");
    assertThat(ids(objects(all)))
        .contains(
            "Namespace//kubetask-system",
            "CustomResourceDefinition//tasks.kubetask.io",
            "Deployment/kubetask-system/kubetask-operator",
            "Deployment/kubetask-system/kubetask-worker",
            "ClusterRole//kubetask-operator",
            "ClusterRole//kubetask-worker",
            "Role/kubetask-system/kubetask-operator-leader-election")
        .hasSize(18);
    Map<String, Deployment> deployments = deployments(objects(example));
    assertThat(deployments.get("kubetask-worker").getSpec().getReplicas()).isEqualTo(3);
    for (Deployment deployment : deployments.values()) {
      var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("registry.example.com/platform/kubetask:0.1.0");
      assertThat(container.getEnv())
          .filteredOn(e -> e.getName().equals("TEMPORAL_API_KEY"))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getValueFrom().getSecretKeyRef().getName())
                      .isEqualTo("temporal-api-key"));
    }
  }

  @Test
  void theHelmChartInstallsWhatDeployInstalls() {
    helm.run("lint", root.resolve(CHART).toString());
    String rendered = helmTemplate("kubetask", CHART);
    String kustomized = kubectl("kustomize", root.resolve("deploy").toString());

    dryRun(rendered, "helm template " + CHART);
    List<HasMetadata> chart = objects(rendered);
    List<HasMetadata> deploy = objects(kustomized);
    Set<String> deployIds = ids(deploy);
    deployIds.remove("Namespace//kubetask-system"); // helm install --create-namespace makes it
    assertThat(ids(chart)).isEqualTo(deployIds);
    assertThat(byName(chart, ClusterRole.class, r -> r.getRules()))
        .as("the chart's ClusterRoles grant what deploy/'s do")
        .isEqualTo(byName(deploy, ClusterRole.class, r -> r.getRules()));
    assertThat(byName(chart, Role.class, r -> r.getRules()))
        .isEqualTo(byName(deploy, Role.class, r -> r.getRules()));
    Map<String, Deployment> fromChart = deployments(chart);
    deployments(deploy)
        .forEach(
            (name, expected) -> {
              var actual = fromChart.get(name).getSpec().getTemplate().getSpec();
              var wanted = expected.getSpec().getTemplate().getSpec();
              assertThat(actual.getServiceAccountName()).isEqualTo(wanted.getServiceAccountName());
              assertThat(actual.getSecurityContext()).isEqualTo(wanted.getSecurityContext());
              var container = actual.getContainers().get(0);
              var wantedContainer = wanted.getContainers().get(0);
              assertThat(container.getImage()).isEqualTo(wantedContainer.getImage());
              assertThat(container.getArgs()).isEqualTo(wantedContainer.getArgs());
              assertThat(container.getSecurityContext())
                  .isEqualTo(wantedContainer.getSecurityContext());
              assertThat(container.getReadinessProbe())
                  .isEqualTo(wantedContainer.getReadinessProbe());
              assertThat(envNames(container.getEnv()))
                  .containsAll(envNames(wantedContainer.getEnv()));
            });
  }

  @Test
  void theChartsCrdsAreDeploysAndOutliveTheRelease() {
    List<CustomResourceDefinition> rendered =
        objects(helmTemplate("kubetask", CHART)).stream()
            .filter(CustomResourceDefinition.class::isInstance)
            .map(CustomResourceDefinition.class::cast)
            .toList();

    assertThat(rendered).hasSize(4);
    for (CustomResourceDefinition crd : rendered) {
      CustomResourceDefinition file =
          stack
              .client()
              .getKubernetesSerialization()
              .unmarshal(
                  read(root.resolve("deploy/crds/" + crd.getMetadata().getName() + ".yaml")),
                  CustomResourceDefinition.class);
      assertThat(crd.getSpec()).as(crd.getMetadata().getName()).isEqualTo(file.getSpec());
      // Templates, not crds/: helm upgrade upgrades them; the annotation keeps them on uninstall.
      assertThat(crd.getMetadata().getAnnotations())
          .containsEntry("helm.sh/resource-policy", "keep");
    }
    assertThat(objects(helmTemplate("kubetask", CHART, "--set", "crds.install=false")))
        .noneMatch(CustomResourceDefinition.class::isInstance);
  }

  @Test
  void theChartsOptionsRenderAndApply() {
    String rendered =
        helmTemplate(
            "team",
            CHART,
            "--set",
            "mode=all-in-one",
            "--set",
            "allInOne.replicas=2",
            "--set",
            "temporal.address=ns.a1b2c.tmprl.cloud:7233",
            "--set",
            "temporal.apiKey.existingSecret=temporal-api-key",
            "--set",
            "temporal.tls.clientCertSecret=temporal-client",
            "--set",
            "temporal.tls.caSecret=temporal-ca",
            "--set",
            "temporal.tls.serverName=temporal.internal",
            "--set",
            "watchNamespaces={team-a,team-b}",
            "--set",
            "image.tag=1.2.3",
            "--set",
            "crds.install=false");

    dryRun(rendered, "helm template --set mode=all-in-one ...");
    List<HasMetadata> objects = objects(rendered);
    Deployment deployment = deployments(objects).get("team-kubetask-all-in-one");
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getArgs()).containsExactly("all-in-one");
    assertThat(container.getImage()).isEqualTo("ghcr.io/kubetask/kubetask:1.2.3");
    Map<String, EnvVar> env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("KUBETASK_LEADER_ELECTION").getValue()).isEqualTo("true");
    assertThat(env.get("TEMPORAL_API_KEY").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("temporal-api-key");
    assertThat(env.get("TEMPORAL_TLS_CLIENT_CERT_PATH").getValue())
        .startsWith("/etc/kubetask/temporal-client/");
    assertThat(env.get("TEMPORAL_TLS_SERVER_CA_CERT_PATH").getValue())
        .isEqualTo("/etc/kubetask/temporal-ca/ca.crt");
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .contains("temporal-client", "temporal-ca");
    assertThat(pod.getServiceAccountName()).isEqualTo("team-kubetask");
    assertThat(ids(objects))
        .contains(
            "ClusterRoleBinding//team-kubetask-operator",
            "ClusterRoleBinding//team-kubetask-worker")
        .doesNotContain("Deployment/kubetask-system/team-kubetask-operator");
    assertThatThrownBy(() -> helmTemplate("x", CHART, "--set", "mode=both"))
        .hasMessageContaining("mode must be split or all-in-one");
  }

  @Test
  void everySampleApplies() throws IOException {
    List<Path> samples = yamlFiles(root.resolve("deploy/samples"));
    samples.removeIf(p -> p.getParent().endsWith("templates") || p.toString().contains("/batch/"));

    assertThat(samples)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "agent.yaml",
            "task.yaml",
            "crontask.yaml",
            "kubetaskconfig.yaml",
            "quickstart.yaml",
            "capacity.yaml",
            "approval.yaml",
            "results.yaml",
            "infrastructure-retries.yaml",
            "crontask-memory.yaml");
    Set<String> kinds = new TreeSet<>();
    for (Path sample : samples) {
      String yaml = Files.readString(sample);
      dryRun(yaml, root.relativize(sample).toString(), "--namespace", NS.name());
      objects(yaml).forEach(o -> kinds.add(o.getKind()));
    }
    assertThat(kinds).contains("Agent", "Task", "CronTask", "KubeTaskConfig");
  }

  @Test
  void theBatchChartMakesTheSeedsTasks() {
    String rendered = helmTemplate("my-tasks", "deploy/samples/batch");
    String seed = read(root.resolve("e2e/src/test/resources/api/seed/example-3-helm-batch.yaml"));

    dryRun(rendered, "helm template my-tasks deploy/samples/batch", "--namespace", NS.name());
    assertThat(tasks(rendered)).hasSize(3).isEqualTo(tasks(seed));
  }

  private static List<Object> tasks(String yaml) {
    return objects(yaml).stream()
        .map(GenericKubernetesResource.class::cast)
        .map(t -> List.of(t.getMetadata().getName(), t.getAdditionalProperties().get("spec")))
        .collect(Collectors.toList());
  }

  private static String helmTemplate(String release, String chart, String... options) {
    String[] args =
        Stream.concat(
                Stream.of(
                    "template",
                    release,
                    root.resolve(chart).toString(),
                    "--namespace",
                    "kubetask-system"),
                Stream.of(options))
            .toArray(String[]::new);
    return helm.run(args);
  }

  /** A server-side dry-run apply, as a distinct field manager that wins every conflict. */
  private static void dryRun(String yaml, String what, String... options) {
    String[] args =
        Stream.concat(
                Stream.of(
                    "apply",
                    "--dry-run=server",
                    "--server-side",
                    "--force-conflicts",
                    "--field-manager=kubetask-e2e-dry-run",
                    "--validate=strict",
                    "-f",
                    "-"),
                Stream.of(options))
            .toArray(String[]::new);
    CommandLine.Result result = stack.kubectl().runWithInput(yaml, args);
    assertThat(result.exitCode())
        .as("server-side dry-run of %s:%n%s%s", what, result.stderr(), result.stdout())
        .isZero();
    assertThat(result.stdout()).as(what).contains("(server dry run)");
  }

  private static String kubectl(String... args) {
    return stack.kubectl().run(args).ok();
  }

  private static List<HasMetadata> objects(String yaml) {
    return stack
        .client()
        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .items();
  }

  private static Set<String> ids(List<HasMetadata> objects) {
    return objects.stream()
        .map(
            o ->
                o.getKind()
                    + "/"
                    + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace())
                    + "/"
                    + o.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Map<String, Deployment> deployments(List<HasMetadata> objects) {
    return byName(objects, Deployment.class, d -> d);
  }

  private static <T extends HasMetadata, V> Map<String, V> byName(
      List<HasMetadata> objects, Class<T> type, Function<T, V> value) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .collect(Collectors.toMap(o -> o.getMetadata().getName(), value));
  }

  private static Set<String> envNames(List<EnvVar> env) {
    return env.stream().map(EnvVar::getName).collect(Collectors.toSet());
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(
              p ->
                  p.toString().endsWith(".yaml")
                      && !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
