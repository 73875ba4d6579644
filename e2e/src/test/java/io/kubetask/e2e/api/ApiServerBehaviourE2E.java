package io.kubetask.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.Crds;
import io.kubetask.e2e.support.Manifests;
import io.kubetask.e2e.support.Statuses;
import io.kubetask.e2e.support.TestNamespace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the API server treats KubeTask objects beyond validation: Task spec immutability, defaults,
 * the status subresource, and CronTask template metadata. Objects are sent as YAML (generic
 * resources) and read back both as JSON and as the typed model of the api module.
 */
@Tag("api")
class ApiServerBehaviourE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Custom resources take JSON merge patches, not strategic ones (fabric8's default). */
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  @Nested
  class TaskSpecImmutability {
    private static final String TASK =
        """
        apiVersion: kubetask.io/v1alpha1
        kind: Task
        metadata:
          name: %s
        spec:
          agentRef: claude
          contexts:
            - type: File
              file:
                filePath: /workspace/task.md
                source:
                  inline: Refactor the authentication module
        """;

    @Test
    void changingTheSpecIsRejectedWithAHint() {
      GenericKubernetesResource task = create(TASK.formatted("immutable-spec"));

      for (String patch :
          List.of(
              "{\"spec\":{\"agentRef\":\"gemini\"}}",
              "{\"spec\":{\"contexts\":[{\"type\":\"File\",\"file\":{\"filePath\":\"/workspace/"
                  + "task.md\",\"source\":{\"inline\":\"Something else\"}}}]}}")) {
        KubernetesClientException rejection =
            catchThrowableOfType(
                KubernetesClientException.class, () -> resource(task).patch(MERGE, patch));

        assertThat(rejection).as("patch %s was accepted", patch).isNotNull();
        assertThat(rejection.getCode()).isEqualTo(422);
        assertThat(rejection.getStatus().getMessage())
            .contains("spec: Forbidden: Task spec is immutable: create a new Task");
      }
      assertThat(spec(resource(task).get()).get("agentRef").asText()).isEqualTo("claude");
    }

    @Test
    void reapplyingTheSameSpecAndChangingMetadataAreAllowed() {
      GenericKubernetesResource task = create(TASK.formatted("same-spec"));
      GenericKubernetesResource again = parse(TASK.formatted("same-spec"));
      again.getMetadata().setNamespace(NS.name());

      NS.client()
          .resource(again)
          .fieldManager(Crds.FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
      GenericKubernetesResource labelled =
          resource(task).patch(MERGE, "{\"metadata\":{\"labels\":{\"team\":\"platform\"}}}");

      assertThat(labelled.getMetadata().getLabels()).containsEntry("team", "platform");
      assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);
    }

    @Test
    void statusGoesThroughTheStatusSubresourceOnly() {
      GenericKubernetesResource written =
          parse(TASK.formatted("with-status") + "status:\n  phase: Completed\n");
      written.getMetadata().setNamespace(NS.name());

      GenericKubernetesResource created = NS.client().resource(written).create();
      assertThat(created.getAdditionalProperties()).doesNotContainKey("status");

      GenericKubernetesResource updated =
          Statuses.merge(
              NS.client(),
              created,
              Manifests.yaml(
                  """
                  phase: Running
                  jobName: with-status-4f2a1
                  startTime: "2025-01-18T10:00:00Z"
                  observedGeneration: 1
                  conditions:
                    - type: Ready
                      status: "True"
                      reason: JobCreated
                      message: Created Job with-status-4f2a1
                      lastTransitionTime: "2025-01-18T10:00:00Z"
                  """));

      Task task = SERIALIZATION.convertValue(updated, Task.class);
      assertThat(task.getStatus().phase()).isEqualTo(TaskPhase.RUNNING);
      assertThat(task.getStatus().jobName()).isEqualTo("with-status-4f2a1");
      assertThat(task.getStatus().observedGeneration()).isEqualTo(1L);
      assertThat(task.getStatus().conditions())
          .singleElement()
          .satisfies(c -> assertThat(c.getReason()).isEqualTo("JobCreated"));
      assertThat(task.getMetadata().getGeneration())
          .as("a status update does not bump the generation")
          .isEqualTo(1L);
    }
  }

  @Nested
  class Defaults {
    @Test
    void agentKeepAliveDefaultsToAnHour() {
      GenericKubernetesResource created =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: Agent
              metadata:
                name: keep-alive-default
              spec:
                command: ["sh", "-c", "run-agent"]
                humanInTheLoop:
                  enabled: true
                serviceAccountName: kubetask-agent
              """);

      Agent agent = SERIALIZATION.convertValue(created, Agent.class);
      assertThat(agent.getSpec().humanInTheLoop().keepAliveSeconds()).isEqualTo(3600);
    }

    @Test
    void agentWithoutHumanInTheLoopGetsNone() {
      GenericKubernetesResource created =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: Agent
              metadata:
                name: no-human-in-the-loop
              spec:
                serviceAccountName: kubetask-agent
              """);

      assertThat(spec(created).fieldNames()).toIterable().containsExactly("serviceAccountName");
    }

    @Test
    void cronTaskDefaults() {
      GenericKubernetesResource created =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: CronTask
              metadata:
                name: defaults
              spec:
                schedule: "@daily"
                taskTemplate:
                  spec:
                    contexts:
                      - type: File
                        file:
                          filePath: /workspace/task.md
                          source:
                            inline: Generate daily status report
              """);

      CronTask cronTask = SERIALIZATION.convertValue(created, CronTask.class);
      assertThat(cronTask.getSpec().concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.FORBID);
      assertThat(cronTask.getSpec().suspend()).isFalse();
      assertThat(cronTask.getSpec().successfulTasksHistoryLimit()).isEqualTo(3);
      assertThat(cronTask.getSpec().failedTasksHistoryLimit()).isEqualTo(1);
      assertThat(cronTask.getSpec().startingDeadlineSeconds()).isNull();
      assertThat(cronTask.getSpec().timeZone()).isNull();
    }

    @Test
    void ttlDefaultsToAWeekWhenTaskLifecycleIsPresent() {
      GenericKubernetesResource created =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: KubeTaskConfig
              metadata:
                name: ttl-default
              spec:
                taskLifecycle: {}
              """);

      KubeTaskConfig config = SERIALIZATION.convertValue(created, KubeTaskConfig.class);
      assertThat(config.getSpec().taskLifecycle().ttlSecondsAfterFinished()).isEqualTo(604800);
    }

    @Test
    void ttlZeroIsKeptAndAbsentTaskLifecycleStaysAbsent() {
      GenericKubernetesResource zero =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: KubeTaskConfig
              metadata:
                name: ttl-zero
              spec:
                taskLifecycle:
                  ttlSecondsAfterFinished: 0
              """);
      GenericKubernetesResource empty =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: KubeTaskConfig
              metadata:
                name: no-lifecycle
              spec: {}
              """);

      assertThat(spec(zero).at("/taskLifecycle/ttlSecondsAfterFinished").asInt()).isZero();
      assertThat(spec(empty).has("taskLifecycle")).isFalse();
      assertThat(
              SERIALIZATION
                  .convertValue(empty, KubeTaskConfig.class)
                  .getSpec()
                  .ttlSecondsOrDefault())
          .isEqualTo(604800L);
    }
  }

  @Nested
  class CronTaskTemplateMetadata {
    @Test
    void labelsAndAnnotationsSurviveARoundTrip() {
      Map<String, String> labels =
          Map.of(
              "app", "daily-report",
              "app.kubernetes.io/part-of", "reporting",
              "kubetask.io/tier", "gold",
              "empty", "");
      Map<String, String> annotations =
          Map.of(
              "team", "reporting",
              "example.com/contact", "reports@example.com",
              "kubetask.io/note", "line one\nline two: with a colon\n",
              "config.example.com/json", "{\"retries\": 3, \"tags\": [\"a\", \"b\"]}",
              "empty", "");
      GenericKubernetesResource cronTask =
          parse(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: CronTask
              metadata:
                name: template-metadata
              spec:
                schedule: "0 9 * * 1-5"
                taskTemplate:
                  spec:
                    agentRef: claude
                    contexts:
                      - type: File
                        file:
                          filePath: /workspace/task.md
                          source:
                            inline: Generate daily status report
              """);
      @SuppressWarnings("unchecked")
      Map<String, Object> template =
          (Map<String, Object>)
              ((Map<String, Object>) cronTask.getAdditionalProperties().get("spec"))
                  .get("taskTemplate");
      template.put("metadata", Map.of("labels", labels, "annotations", annotations));
      cronTask.getMetadata().setNamespace(NS.name());

      NS.client().resource(cronTask).create();
      GenericKubernetesResource stored = NS.client().resource(cronTask).get();

      CronTask typed = SERIALIZATION.convertValue(stored, CronTask.class);
      assertThat(typed.getSpec().taskTemplate().metadata().labels()).isEqualTo(labels);
      assertThat(typed.getSpec().taskTemplate().metadata().annotations()).isEqualTo(annotations);
    }

    @Test
    void otherTemplateMetadataIsPruned() {
      GenericKubernetesResource created =
          create(
              """
              apiVersion: kubetask.io/v1alpha1
              kind: CronTask
              metadata:
                name: template-metadata-pruned
              spec:
                schedule: "@hourly"
                taskTemplate:
                  metadata:
                    name: fixed-name
                    labels:
                      app: hourly
                  spec:
                    contexts:
                      - type: File
                        file:
                          filePath: /workspace/task.md
                          source:
                            inline: Check the queue
              """);

      JsonNode metadata = spec(created).at("/taskTemplate/metadata");
      assertThat(metadata.fieldNames()).toIterable().containsExactly("labels");
      assertThat(metadata.at("/labels/app").asText()).isEqualTo("hourly");
    }
  }

  @Test
  void cronTaskSpecStaysEditable() {
    GenericKubernetesResource created =
        create(
            """
            apiVersion: kubetask.io/v1alpha1
            kind: CronTask
            metadata:
              name: editable
            spec:
              schedule: "*/5 * * * *"
              timeZone: Europe/Berlin
              startingDeadlineSeconds: 0
              taskTemplate:
                spec:
                  contexts:
                    - type: File
                      file:
                        filePath: /workspace/task.md
                        source:
                          inline: Poll
            """);

    GenericKubernetesResource patched =
        resource(created).patch(MERGE, "{\"spec\":{\"suspend\":true,\"schedule\":\"@weekly\"}}");

    assertThat(spec(patched).get("suspend").asBoolean()).isTrue();
    assertThat(spec(patched).get("schedule").asText()).isEqualTo("@weekly");
    assertThat(spec(patched).get("timeZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(spec(patched).get("startingDeadlineSeconds").asInt()).isZero();
  }

  private static GenericKubernetesResource parse(String yaml) {
    List<GenericKubernetesResource> documents = Manifests.parse(yaml);
    assertThat(documents).hasSize(1);
    return documents.get(0);
  }

  private static GenericKubernetesResource create(String yaml) {
    GenericKubernetesResource resource = parse(yaml);
    resource.getMetadata().setNamespace(NS.name());
    return NS.client().resource(resource).create();
  }

  private static Resource<GenericKubernetesResource> resource(GenericKubernetesResource r) {
    return NS.client().resource(r).inNamespace(NS.name());
  }

  private static JsonNode spec(GenericKubernetesResource resource) {
    return Manifests.tree(resource).get("spec");
  }
}
