package io.kubetask.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.e2e.support.Manifests;
import io.kubetask.e2e.support.Statuses;
import io.kubetask.e2e.support.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a kubectl user sees: printer columns with the right values, short names, the {@code
 * kubetask} category, and the field descriptions in {@code kubectl explain}.
 */
@Tag("api")
class KubectlE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final Map<GenericKubernetesResource, Map<String, Object>> STATUSES =
      new LinkedHashMap<>();

  private static final String LAST_SCHEDULE =
      Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

  @BeforeAll
  static void sample() {
    create(
        """
        apiVersion: kubetask.io/v1alpha1
        kind: Task
        metadata:
          name: running-task
        spec:
          agentRef: claude
          contexts:
            - type: File
              file:
                filePath: /workspace/task.md
                source:
                  inline: Update dependencies to latest versions.
        """,
        Map.of(
            "phase",
            "Running",
            "jobName",
            "running-task-4f2a1",
            "startTime",
            Instant.now().toString(),
            "conditions",
            List.of(
                Map.of(
                    "type",
                    "Succeeded",
                    "status",
                    "Unknown",
                    "reason",
                    "ImagePullBackOff",
                    "message",
                    "Back-off pulling image",
                    "lastTransitionTime",
                    Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()))));
    create(
        """
        apiVersion: kubetask.io/v1alpha1
        kind: Task
        metadata:
          name: queued-task
        spec:
          agentRef: claude
          contexts:
            - type: File
              file:
                filePath: /workspace/task.md
                source:
                  inline: Wait for a slot.
        """,
        Map.of(
            "phase",
            "Queued",
            "queuePosition",
            3,
            "conditions",
            List.of(
                Map.of(
                    "type",
                    "Ready",
                    "status",
                    "False",
                    "reason",
                    "AgentAtCapacity",
                    "message",
                    "3rd of 4 waiting for Agent claude: 2/2 running.",
                    "lastTransitionTime",
                    Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()))));
    create(
        """
        apiVersion: kubetask.io/v1alpha1
        kind: Task
        metadata:
          name: new-task
        spec:
          contexts:
            - type: File
              file:
                filePath: /workspace/task.md
                source:
                  inline: Nothing happened yet.
        """,
        null);
    create(
        """
        apiVersion: kubetask.io/v1alpha1
        kind: CronTask
        metadata:
          name: daily-report
        spec:
          schedule: "0 9 * * *"
          suspend: true
          taskTemplate:
            spec:
              contexts:
                - type: File
                  file:
                    filePath: /workspace/task.md
                    source:
                      inline: Generate daily status report
        """,
        Map.of(
            "lastScheduleTime",
            LAST_SCHEDULE,
            "activeCount",
            2,
            "lastFire",
            Map.of(
                "scheduledTime", "2024-12-12T09:00:00Z",
                "outcome", "Skipped",
                "reason", "Suspended",
                "message", "Skipped the fire of 2024-12-12T09:00:00Z: spec.suspend is true."),
            "active",
            List.of(
                Map.of("name", "daily-report-1733846400", "namespace", NS.name()),
                Map.of("name", "daily-report-1733932800", "namespace", NS.name()))));
    create(
        """
        apiVersion: kubetask.io/v1alpha1
        kind: Agent
        metadata:
          name: claude
        spec:
          agentImage: quay.io/myorg/claude-agent:v1.0
          serviceAccountName: kubetask-agent
          startTimeout: 20m
          timeout: 2h
        """,
        null);
    create(
        """
        apiVersion: kubetask.io/v1alpha1
        kind: KubeTaskConfig
        metadata:
          name: default
        spec:
          taskLifecycle:
            ttlSecondsAfterFinished: 86400
        """,
        null);
  }

  @Test
  void taskColumns() {
    assertRows(
        "tasks",
        List.of("NAME", "PHASE", "QUEUE", "AGENT", "JOB", "REASON", "RESULT", "AGE"),
        rows -> {
          assertThat(rows.get("queued-task"))
              .containsEntry("PHASE", "Queued")
              .containsEntry("QUEUE", "3")
              .containsEntry("JOB", "");
          assertThat(rows.get("running-task"))
              .containsEntry("PHASE", "Running")
              .containsEntry("QUEUE", "")
              .containsEntry("AGENT", "claude")
              .containsEntry("JOB", "running-task-4f2a1")
              .containsEntry("REASON", "ImagePullBackOff")
              .hasEntrySatisfying("AGE", age -> assertThat(age).matches("\\d+s|\\d+m\\d*s?"));
          assertThat(rows.get("new-task")).containsEntry("AGENT", "");
        });
  }

  @Test
  void cronTaskColumns() {
    assertRows(
        "crontasks",
        List.of("NAME", "SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "LAST FIRE", "AGE"),
        rows ->
            assertThat(rows.get("daily-report"))
                .containsEntry("SCHEDULE", "0 9 * * *")
                .containsEntry("SUSPEND", "true")
                .containsEntry("ACTIVE", "2")
                .containsEntry("LAST SCHEDULE", "10d")
                .containsEntry("LAST FIRE", "Suspended"));
  }

  @Test
  void agentColumns() {
    assertThat(table("agents", "NAME", "IMAGE", "START TIMEOUT", "TIMEOUT", "AGE").get("claude"))
        .containsEntry("IMAGE", "quay.io/myorg/claude-agent:v1.0")
        .containsEntry("START TIMEOUT", "20m")
        .containsEntry("TIMEOUT", "2h");
  }

  @Test
  void kubeTaskConfigColumns() {
    assertThat(table("kubetaskconfigs", "NAME", "TTL", "AGE").get("default"))
        .containsEntry("TTL", "86400");
  }

  @Test
  void theKubetaskCategoryListsAllFourKinds() {
    String names = NS.kubectl().run("get", "kubetask", "-n", NS.name(), "-o", "name").ok();

    assertThat(names.lines().toList())
        .containsExactlyInAnyOrder(
            "task.kubetask.io/running-task",
            "task.kubetask.io/queued-task",
            "task.kubetask.io/new-task",
            "crontask.kubetask.io/daily-report",
            "agent.kubetask.io/claude",
            "kubetaskconfig.kubetask.io/default");
    assertThat(NS.kubectl().run("get", "kubetask", "-n", NS.name()).ok())
        .contains(
            "task.kubetask.io/running-task",
            "crontask.kubetask.io/daily-report",
            "agent.kubetask.io/claude",
            "kubetaskconfig.kubetask.io/default");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "kt, task", "ktask, task", "kct, crontask", "kcrontask, crontask",
    "kta, agent", "ktagent, agent", "ktc, kubetaskconfig", "ktconfig, kubetaskconfig"
  })
  void shortNames(String shortName, String kind) {
    String names = NS.kubectl().run("get", shortName, "-n", NS.name(), "-o", "name").ok();

    assertThat(names.lines().toList())
        .isNotEmpty()
        .allSatisfy(n -> assertThat(n).startsWith(kind + ".kubetask.io/"));
  }

  /**
   * {@code kubectl explain} shows the description of the field and of each of its children, as the
   * committed CRD has them. The API server publishes a new CRD's OpenAPI with a delay: poll.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "task, Task, ''",
    "agent, Agent, ''",
    "task.spec.contexts.file, Task, spec.contexts[].file",
    "task.spec.contexts.file.source, Task, spec.contexts[].file.source",
    "task.status, Task, status",
    "crontask.spec.concurrencyPolicy, CronTask, spec.concurrencyPolicy",
    "crontask.spec.taskTemplate.metadata, CronTask, spec.taskTemplate.metadata",
    "agent.spec.humanInTheLoop, Agent, spec.humanInTheLoop",
    "agent.spec.credentials, Agent, spec.credentials",
    "kubetaskconfig.spec.taskLifecycle, KubeTaskConfig, spec.taskLifecycle"
  })
  void explainShowsTheDescriptions(String field, String kind, String schemaPath) {
    JSONSchemaProps schema = schemaAt(kind, schemaPath);
    List<String> expected = new ArrayList<>();
    expected.add(schema.getDescription());
    JSONSchemaProps children = schema.getItems() != null ? schema.getItems().getSchema() : schema;
    if (children.getProperties() != null) {
      children.getProperties().values().forEach(p -> expected.add(p.getDescription()));
    }
    assertThat(expected).doesNotContainNull();

    Awaitility.await("kubectl explain " + field + " shows the CRD's descriptions")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              String explained =
                  squash(
                      NS.kubectl()
                          .run("explain", field, "--api-version=kubetask.io/v1alpha1")
                          .ok());
              assertThat(explained).contains("kubetask.io");
              assertThat(expected).allSatisfy(d -> assertThat(explained).contains(squash(d)));
            });
  }

  private static JSONSchemaProps schemaAt(String kind, String path) {
    Class<? extends HasMetadata> type =
        switch (kind) {
          case "Task" -> Task.class;
          case "CronTask" -> CronTask.class;
          case "Agent" -> Agent.class;
          default -> KubeTaskConfig.class;
        };
    CustomResourceDefinition crd =
        NS.stack().crds().files().stream()
            .filter(c -> c.getMetadata().getName().equals(HasMetadata.getFullResourceName(type)))
            .findFirst()
            .orElseThrow();
    JSONSchemaProps node = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    for (String segment : path.isEmpty() ? new String[0] : path.split("\\.")) {
      node = node.getProperties().get(segment.replace("[]", ""));
      if (segment.endsWith("[]")) {
        node = node.getItems().getSchema();
      }
    }
    return node;
  }

  /**
   * {@code kubectl get <resource>} as rows by NAME, each a map from column header to cell. Cells
   * are cut at the header's column offsets, so values with spaces (a cron schedule) stay whole.
   */
  private static Map<String, Map<String, String>> table(String resource, String... headers) {
    List<String> lines = NS.kubectl().run("get", resource, "-n", NS.name()).ok().lines().toList();
    assertThat(lines).as("kubectl get %s", resource).isNotEmpty();
    String header = lines.get(0);
    int[] starts = new int[headers.length];
    int from = 0;
    for (int i = 0; i < headers.length; i++) {
      starts[i] = header.indexOf(headers[i], from);
      assertThat(starts[i]).as("column %s in '%s'", headers[i], header).isGreaterThanOrEqualTo(0);
      from = starts[i] + headers[i].length();
    }
    assertThat(header.substring(from).strip())
        .as("columns after %s", headers[headers.length - 1])
        .isEmpty();
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < headers.length; i++) {
        int end = i + 1 < headers.length ? starts[i + 1] : line.length();
        row.put(
            headers[i],
            line.substring(Math.min(starts[i], line.length()), Math.min(end, line.length()))
                .strip());
      }
      rows.put(row.get("NAME"), row);
    }
    return rows;
  }

  private static void create(String yaml, Map<String, Object> status) {
    GenericKubernetesResource resource = Manifests.parse(yaml).get(0);
    resource.getMetadata().setNamespace(NS.name());
    GenericKubernetesResource created = NS.client().resource(resource).create();
    if (status != null) {
      STATUSES.put(created, status);
      Statuses.merge(NS.client(), created, status);
    }
  }

  /**
   * Checks the rows of {@code kubectl get}, writing the sample statuses again before each try: an
   * operator running against the same stack (another build, hack/stack up --kubetask) may overwrite
   * them. Without one the first try passes.
   */
  private static void assertRows(
      String resource, List<String> headers, Consumer<Map<String, Map<String, String>>> check) {
    Awaitility.await("kubectl get " + resource)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              STATUSES.forEach((r, status) -> Statuses.merge(NS.client(), r, status));
              check.accept(table(resource, headers.toArray(String[]::new)));
            });
  }

  private static String squash(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }
}
