package io.kubetask.api.schema;

import static io.kubetask.api.schema.Crds.at;
import static io.kubetask.api.schema.Crds.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated CRDs carry what the issue asks of the API: names, printer columns, defaults, bounds
 * and the CEL rules with their messages. Whether the API server accepts the rules and applies them
 * as intended is checked end to end in the e2e module (InvalidManifestsE2E).
 */
class CrdContentsTest {
  static final List<Class<? extends HasMetadata>> KINDS = Crds.KINDS;

  @Nested
  class Names {
    static Stream<Arguments> names() {
      return Stream.of(
          Arguments.of(Task.class, "Task", "tasks", "task", List.of("kt", "ktask")),
          Arguments.of(
              CronTask.class, "CronTask", "crontasks", "crontask", List.of("kct", "kcrontask")),
          Arguments.of(Agent.class, "Agent", "agents", "agent", List.of("kta", "ktagent")),
          Arguments.of(
              KubeTaskConfig.class,
              "KubeTaskConfig",
              "kubetaskconfigs",
              "kubetaskconfig",
              List.of("ktc", "ktconfig")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("names")
    void groupVersionScopeAndNames(
        Class<? extends HasMetadata> kind,
        String kindName,
        String plural,
        String singular,
        List<String> shortNames) {
      CustomResourceDefinition crd = Crds.generated(kind);

      assertThat(crd.getMetadata().getName()).isEqualTo(plural + ".kubetask.io");
      assertThat(crd.getSpec().getGroup()).isEqualTo("kubetask.io");
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      CustomResourceDefinitionNames names = crd.getSpec().getNames();
      assertThat(names.getKind()).isEqualTo(kindName);
      assertThat(names.getPlural()).isEqualTo(plural);
      assertThat(names.getSingular()).isEqualTo(singular);
      assertThat(names.getShortNames()).containsExactlyElementsOf(shortNames);
      assertThat(names.getCategories()).containsExactly("kubetask");
      assertThat(crd.getSpec().getVersions())
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.getName()).isEqualTo("v1alpha1");
                assertThat(v.getServed()).isTrue();
                assertThat(v.getStorage()).isTrue();
              });
    }

    @Test
    void shortNamesAreUniqueAcrossKinds() {
      List<String> all =
          KINDS.stream()
              .flatMap(k -> Crds.generated(k).getSpec().getNames().getShortNames().stream())
              .toList();

      assertThat(all).doesNotHaveDuplicates();
    }
  }

  @Nested
  class PrinterColumnsAndSubresources {
    @Test
    void task() {
      assertThat(columns(Task.class))
          .extracting("name", "jsonPath", "type")
          .containsExactly(
              tuple("Phase", ".status.phase", "string"),
              tuple("Queue", ".status.queuePosition", "integer"),
              tuple("Agent", ".spec.agentRef", "string"),
              tuple("Job", ".status.jobName", "string"),
              tuple("Reason", ".status.conditions[?(@.type==\"Succeeded\")].reason", "string"),
              tuple("Result", ".status.result.summary", "string"),
              tuple("Age", ".metadata.creationTimestamp", "date"));
    }

    @Test
    void cronTask() {
      assertThat(columns(CronTask.class))
          .extracting("name", "jsonPath", "type")
          .containsExactly(
              tuple("Schedule", ".spec.schedule", "string"),
              tuple("Suspend", ".spec.suspend", "boolean"),
              tuple("Active", ".status.activeCount", "integer"),
              tuple("Last Schedule", ".status.lastScheduleTime", "date"),
              tuple("Last Fire", ".status.lastFire.reason", "string"),
              tuple("Age", ".metadata.creationTimestamp", "date"));
    }

    @Test
    void agent() {
      assertThat(columns(Agent.class))
          .extracting("name", "jsonPath", "type")
          .containsExactly(
              tuple("Image", ".spec.agentImage", "string"),
              tuple("Start Timeout", ".spec.startTimeout", "string"),
              tuple("Timeout", ".spec.timeout", "string"),
              tuple("Age", ".metadata.creationTimestamp", "date"));
    }

    @Test
    void kubeTaskConfigEndsWithAge() {
      assertThat(columns(KubeTaskConfig.class))
          .last()
          .extracting("name", "jsonPath", "type")
          .containsExactly("Age", ".metadata.creationTimestamp", "date");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("io.kubetask.api.schema.CrdContentsTest#KINDS")
    void everyColumnIsShownByDefault(Class<? extends HasMetadata> kind) {
      assertThat(columns(kind)).allSatisfy(c -> assertThat(c.getPriority()).isZero());
    }

    @Test
    void taskAndCronTaskHaveAStatusSubresource() {
      assertThat(version(Task.class).getSubresources().getStatus()).isNotNull();
      assertThat(version(CronTask.class).getSubresources().getStatus()).isNotNull();
    }

    @Test
    void agentAndKubeTaskConfigHaveNoStatus() {
      assertThat(version(Agent.class).getSubresources()).isNull();
      assertThat(version(KubeTaskConfig.class).getSubresources()).isNull();
      assertThat(Crds.schema(Agent.class).getProperties()).containsOnlyKeys("spec");
      assertThat(Crds.schema(KubeTaskConfig.class).getProperties()).containsOnlyKeys("spec");
    }

    private static List<CustomResourceColumnDefinition> columns(Class<? extends HasMetadata> k) {
      return version(k).getAdditionalPrinterColumns();
    }

    private static CustomResourceDefinitionVersion version(Class<? extends HasMetadata> kind) {
      return Crds.generated(kind).getSpec().getVersions().get(0);
    }
  }

  @Nested
  class TaskSchema {
    @Test
    void specIsRequiredAndImmutable() {
      assertThat(Crds.schema(Task.class).getRequired()).contains("spec");
      assertThat(Crds.rules(Task.class, ""))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getRule()).isEqualTo("self.spec == oldSelf.spec");
                assertThat(r.getMessage()).contains("immutable").contains("create a new Task");
                assertThat(r.getReason()).isEqualTo("FieldValueForbidden");
                assertThat(r.getFieldPath()).isEqualTo(".spec");
              });
    }

    @Test
    void contextsAreRequired() {
      assertThat(at(Task.class, "spec").getRequired()).containsExactly("contexts");
    }

    @Test
    void statusHasTheSeedFields() {
      assertThat(at(Task.class, "status").getProperties())
          .containsKeys(
              "phase",
              "jobName",
              "startTime",
              "completionTime",
              "conditions",
              "observedGeneration");
      assertThat(at(Task.class, "status.phase").getEnum())
          .extracting(n -> n.asText())
          .containsExactlyInAnyOrder("Queued", "Pending", "Running", "Completed", "Failed");
      assertThat(at(Task.class, "status.observedGeneration").getType()).isEqualTo("integer");
      assertThat(at(Task.class, "status.queuePosition").getType()).isEqualTo("integer");
    }

    @Test
    void conditionsAreAListMapByType() {
      JSONSchemaProps conditions = at(Task.class, "status.conditions");

      assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
      assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
      assertThat(conditions.getItems().getSchema().getRequired())
          .containsExactlyInAnyOrder("type", "status");
    }
  }

  @Nested
  class Contexts {
    @Test
    void aFileContextNeedsFile() {
      assertThat(at(Task.class, "spec.contexts[].type").getEnum())
          .extracting(n -> n.asText())
          .containsExactly("File");
      assertThat(at(Task.class, "spec.contexts[]").getRequired()).containsExactly("type");
      assertThat(messages(Task.class, "spec.contexts[]"))
          .containsExactly("a context of type File needs 'file'");
    }

    @Test
    void fileRules() {
      assertThat(at(Task.class, "spec.contexts[].file").getRequired()).containsExactly("source");
      assertThat(messages(Task.class, "spec.contexts[].file"))
          .containsExactlyInAnyOrder(
              "exactly one of filePath or dirPath must be set",
              "dirPath is only valid with source.configMapRef (a whole ConfigMap as a"
                  + " directory)",
              "filePath is only valid with source.inline or source.configMapKeyRef; use"
                  + " dirPath to mount a whole ConfigMap");
    }

    @Test
    void exactlyOneSource() {
      assertThat(messages(Task.class, "spec.contexts[].file.source"))
          .containsExactly("exactly one of inline, configMapKeyRef or configMapRef must be set");
      assertThat(at(Task.class, "spec.contexts[].file.source.configMapKeyRef").getRequired())
          .containsExactlyInAnyOrder("name", "key");
      assertThat(at(Task.class, "spec.contexts[].file.source.configMapRef").getRequired())
          .containsExactly("name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"filePath", "dirPath"})
    void pathsAreAbsoluteWithoutDotDotOrTrailingSlash(String field) {
      JSONSchemaProps path = at(Task.class, "spec.contexts[].file." + field);

      assertThat(path.getMinLength()).isEqualTo(1L);
      assertThat(path.getMaxLength()).isNotNull();
      assertThat(messages(Task.class, "spec.contexts[].file." + field))
          .containsExactlyInAnyOrder(
              ApiRules.ABSOLUTE_MSG, ApiRules.NO_TRAILING_SLASH_MSG,
              ApiRules.NO_EMPTY_SEGMENT_MSG, ApiRules.NO_DOT_DOT_MSG);
    }

    @Test
    void pathsAreUniqueInAList() {
      JSONSchemaProps contexts = at(Task.class, "spec.contexts");

      assertThat(contexts.getMaxItems()).isEqualTo((long) ApiRules.MAX_CONTEXTS);
      assertThat(messages(Task.class, "spec.contexts"))
          .containsExactly(ApiRules.UNIQUE_CONTEXT_PATHS_MSG);
    }

    /** Agent defaults and CronTask templates validate contexts exactly as a Task does. */
    @Test
    void everyContextListHasTheSameSchema() {
      JSONSchemaProps task = at(Task.class, "spec.contexts");

      for (JSONSchemaProps other :
          List.of(
              at(Agent.class, "spec.defaultContexts"),
              at(CronTask.class, "spec.taskTemplate.spec.contexts"))) {
        assertThat(other.getItems()).isEqualTo(task.getItems());
        assertThat(other.getMaxItems()).isEqualTo(task.getMaxItems());
        assertThat(other.getXKubernetesValidations()).isEqualTo(task.getXKubernetesValidations());
      }
      assertThat(at(CronTask.class, "spec.taskTemplate.spec"))
          .usingRecursiveComparison()
          .ignoringFields("description")
          .isEqualTo(at(Task.class, "spec"));
    }
  }

  @Nested
  class AgentSchema {
    @Test
    void infrastructureRetriesAreZeroToTen() {
      JSONSchemaProps retries = at(Agent.class, "spec.infrastructureRetries");

      assertThat(retries.getMinimum()).isEqualTo(0.0);
      assertThat(retries.getMaximum()).isEqualTo(10.0);
    }

    @Test
    void maxConcurrentTasksIsAtLeastOne() {
      JSONSchemaProps limit = at(Agent.class, "spec.maxConcurrentTasks");

      assertThat(limit.getType()).isEqualTo("integer");
      assertThat(limit.getMinimum()).isEqualTo(1.0);
    }

    @Test
    void serviceAccountNameIsRequired() {
      assertThat(at(Agent.class, "spec").getRequired()).containsExactly("serviceAccountName");
      assertThat(at(Agent.class, "spec.serviceAccountName").getMinLength()).isEqualTo(1L);
      assertThat(Crds.schema(Agent.class).getRequired()).contains("spec");
    }

    @Test
    void humanInTheLoopNeedsCommandAndDefaultsToAnHour() {
      assertThat(messages(Agent.class, "spec"))
          .anySatisfy(m -> assertThat(m).startsWith("humanInTheLoop.enabled requires command"));
      assertThat(at(Agent.class, "spec.humanInTheLoop").getRequired()).containsExactly("enabled");
      JSONSchemaProps keepAlive = at(Agent.class, "spec.humanInTheLoop.keepAliveSeconds");
      assertThat(keepAlive.getDefault().asInt()).isEqualTo(3600);
      assertThat(keepAlive.getMinimum()).isEqualTo(1.0);
    }

    @Test
    void credentialRules() {
      assertThat(at(Agent.class, "spec.credentials[]").getRequired())
          .containsExactlyInAnyOrder("name", "secretRef");
      assertThat(messages(Agent.class, "spec.credentials[]"))
          .containsExactly("a credential needs env, mountPath, or both");
      assertThat(at(Agent.class, "spec.credentials[].secretRef").getRequired())
          .containsExactlyInAnyOrder("name", "key");
      assertThat(messages(Agent.class, "spec.credentials[].env"))
          .singleElement()
          .asString()
          .startsWith("must be a valid environment variable name");
      assertThat(messages(Agent.class, "spec.credentials[].mountPath"))
          .contains(ApiRules.ABSOLUTE_MSG, ApiRules.NO_DOT_DOT_MSG);
      assertThat(Crds.rules(Agent.class, "spec.credentials[].fileMode"))
          .extracting(ValidationRule::getRule, ValidationRule::getMessage)
          .containsExactly(
              tuple(
                  "self >= 0 && self <= 511",
                  "must be a file mode between 0 and 0777 (octal), e.g. 0400"));
    }

    @Test
    void securityContextsUseTheKubernetesTypes() {
      assertThat(at(Agent.class, "spec.podSecurityContext").getProperties())
          .containsKeys(
              "runAsUser",
              "runAsGroup",
              "runAsNonRoot",
              "fsGroup",
              "seccompProfile",
              "supplementalGroups");
      assertThat(at(Agent.class, "spec.podSecurityContext.seccompProfile").getProperties())
          .containsOnlyKeys("type", "localhostProfile");
      assertThat(at(Agent.class, "spec.securityContext").getProperties())
          .containsKeys(
              "allowPrivilegeEscalation",
              "capabilities",
              "readOnlyRootFilesystem",
              "runAsUser",
              "runAsNonRoot",
              "seccompProfile");
      assertThat(at(Agent.class, "spec.securityContext.capabilities").getProperties())
          .containsOnlyKeys("add", "drop");
      assertThat(at(Agent.class, "spec.podSecurityContext.fsGroup").getType()).isEqualTo("integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"podSecurityContext", "securityContext"})
    void runAsNonRootForbidsUserZero(String field) {
      assertThat(Crds.rules(Agent.class, "spec." + field))
          .extracting(ValidationRule::getRule, ValidationRule::getMessage)
          .containsExactly(tuple(ApiRules.NON_ROOT_NOT_UID_0, ApiRules.NON_ROOT_NOT_UID_0_MSG));
    }

    @Test
    void aNonRootAgentsCredentialFilesNeedFsGroupOrAReadableMode() {
      assertThat(Crds.rules(Agent.class, "spec"))
          .extracting(ValidationRule::getRule, ValidationRule::getMessage)
          .contains(
              tuple(ApiRules.CREDENTIAL_FILES_READABLE, ApiRules.CREDENTIAL_FILES_READABLE_MSG));
    }

    @Test
    void schedulingUsesTheKubernetesTypes() {
      assertThat(at(Agent.class, "spec.scheduling.tolerations[]").getProperties())
          .containsKeys("key", "operator", "value", "effect", "tolerationSeconds");
      assertThat(at(Agent.class, "spec.scheduling.affinity").getProperties())
          .containsKeys("nodeAffinity", "podAffinity", "podAntiAffinity");
      assertThat(at(Agent.class, "spec.scheduling.nodeSelector{}").getType()).isEqualTo("string");
      assertThat(at(Agent.class, "spec.podLabels{}").getType()).isEqualTo("string");
    }
  }

  @Nested
  class CronTaskSchema {
    @Test
    void scheduleIsRequiredNonEmptyAndCronShaped() {
      assertThat(at(CronTask.class, "spec").getRequired())
          .containsExactlyInAnyOrder("schedule", "taskTemplate");
      assertThat(at(CronTask.class, "spec.schedule").getMinLength()).isEqualTo(1L);
      assertThat(messages(CronTask.class, "spec.schedule"))
          .anySatisfy(m -> assertThat(m).startsWith("must be a 5-field cron expression"));
    }

    @Test
    void defaultsAndBounds() {
      JSONSchemaProps policy = at(CronTask.class, "spec.concurrencyPolicy");
      assertThat(policy.getDefault().asText()).isEqualTo("Forbid");
      assertThat(policy.getEnum())
          .extracting(n -> n.asText())
          .containsExactlyInAnyOrder("Allow", "Forbid", "Replace");
      assertThat(at(CronTask.class, "spec.suspend").getDefault().asBoolean()).isFalse();
      assertThat(at(CronTask.class, "spec.suspend").getDefault().isBoolean()).isTrue();
      assertThat(at(CronTask.class, "spec.successfulTasksHistoryLimit"))
          .satisfies(
              p -> {
                assertThat(p.getDefault().asInt()).isEqualTo(3);
                assertThat(p.getMinimum()).isEqualTo(0.0);
              });
      assertThat(at(CronTask.class, "spec.failedTasksHistoryLimit"))
          .satisfies(
              p -> {
                assertThat(p.getDefault().asInt()).isEqualTo(1);
                assertThat(p.getMinimum()).isEqualTo(0.0);
              });
      assertThat(at(CronTask.class, "spec.startingDeadlineSeconds").getMinimum()).isEqualTo(0.0);
      assertThat(at(CronTask.class, "spec.timeZone").getType()).isEqualTo("string");
    }

    @Test
    void templateMetadataKeepsLabelsAndAnnotations() {
      assertThat(at(CronTask.class, "spec.taskTemplate").getRequired()).containsExactly("spec");
      assertThat(at(CronTask.class, "spec.taskTemplate.metadata").getProperties())
          .containsOnlyKeys("labels", "annotations");
      assertThat(at(CronTask.class, "spec.taskTemplate.metadata.labels{}").getType())
          .isEqualTo("string");
      assertThat(at(CronTask.class, "spec.taskTemplate.metadata.annotations{}").getType())
          .isEqualTo("string");
      assertThat(
              at(CronTask.class, "spec.taskTemplate.metadata")
                  .getXKubernetesPreserveUnknownFields())
          .isNull();
    }

    @Test
    void statusHasTheSeedFields() {
      assertThat(at(CronTask.class, "status").getProperties())
          .containsKeys("active", "lastScheduleTime", "lastSuccessfulTime", "conditions");
      assertThat(at(CronTask.class, "status.active[]").getProperties())
          .containsKeys("name", "namespace", "uid");
      assertThat(at(CronTask.class, "status.conditions").getXKubernetesListType()).isEqualTo("map");
    }
  }

  @Nested
  class KubeTaskConfigSchema {
    @Test
    void ttlDefaultsToAWeekAndZeroIsAllowed() {
      JSONSchemaProps ttl = at(KubeTaskConfig.class, "spec.taskLifecycle.ttlSecondsAfterFinished");

      assertThat(ttl.getDefault().asInt()).isEqualTo(604800);
      assertThat(ttl.getMinimum()).isEqualTo(0.0);
      assertThat(ttl.getExclusiveMinimum()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void namespaceLimitsAreAtLeastOne() {
      for (String field : List.of("maxActiveTasks", "maxTasksPerHour")) {
        JSONSchemaProps limit = at(KubeTaskConfig.class, "spec.capacity." + field);

        assertThat(limit.getType()).as(field).isEqualTo("integer");
        assertThat(limit.getMinimum()).as(field).isEqualTo(1.0);
      }
    }
  }
}
