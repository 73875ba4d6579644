package io.kubetask.operator.crontask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubetask.api.v1alpha1.CronTaskFireStatus;
import io.kubetask.api.v1alpha1.CronTaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusRecorderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final CronTaskStatus EMPTY =
      new CronTaskStatus(null, null, null, null, null, null, null, null, null, null, null, null);

  private static JsonNode patch(CronTaskStatus status) throws IOException {
    return JSON.readTree(StatusRecorder.mergePatch(SERIALIZATION, status));
  }

  @Test
  void everyFieldIsWrittenWithTheModelsNames() throws IOException {
    var status =
        new CronTaskStatus(
            List.of(
                new ObjectReferenceBuilder()
                    .withKind("Task")
                    .withName("nightly-1")
                    .withNamespace("team")
                    .withUid("uid-t")
                    .build()),
            1,
            "2025-12-10T09:00:00Z",
            "2025-12-09T09:07:00Z",
            "2025-12-11T09:00:00Z",
            2L,
            3L,
            List.of(
                new ConditionBuilder()
                    .withType("Scheduled")
                    .withStatus("True")
                    .withReason("ScheduleActive")
                    .withMessage("fires")
                    .withObservedGeneration(4L)
                    .withLastTransitionTime("2025-12-10T09:00:00Z")
                    .build()),
            4L,
            "crontask/team/nightly",
            null,
            null);

    JsonNode written = patch(status).get("status");

    assertThat(written.get("active").get(0).get("name").asText()).isEqualTo("nightly-1");
    assertThat(written.get("active").get(0).get("uid").asText()).isEqualTo("uid-t");
    assertThat(written.get("activeCount").asInt()).isEqualTo(1);
    assertThat(written.get("lastScheduleTime").asText()).isEqualTo("2025-12-10T09:00:00Z");
    assertThat(written.get("lastSuccessfulTime").asText()).isEqualTo("2025-12-09T09:07:00Z");
    assertThat(written.get("nextScheduleTime").asText()).isEqualTo("2025-12-11T09:00:00Z");
    assertThat(written.get("skippedFires").asLong()).isEqualTo(2);
    assertThat(written.get("missedFires").asLong()).isEqualTo(3);
    assertThat(written.get("conditions").get(0).get("type").asText()).isEqualTo("Scheduled");
    assertThat(written.get("conditions").get(0).get("observedGeneration").asLong()).isEqualTo(4);
    assertThat(written.get("observedGeneration").asLong()).isEqualTo(4);
    assertThat(written.get("scheduleId").asText()).isEqualTo("crontask/team/nightly");
    assertThat(fieldNames(written)).hasSize(10);
    assertThat(SERIALIZATION.convertValue(written, CronTaskStatus.class)).isEqualTo(status);
  }

  @Test
  void fieldsTheStatusLeavesOutAreClearedWithNull() throws IOException {
    JsonNode written = patch(EMPTY).get("status");

    assertThat(fieldNames(written))
        .containsExactlyInAnyOrder(
            "active",
            "activeCount",
            "lastScheduleTime",
            "lastSuccessfulTime",
            "nextScheduleTime",
            "skippedFires",
            "missedFires",
            "conditions",
            "observedGeneration",
            "scheduleId");
    written.forEach(value -> assertThat(value.isNull()).isTrue());
  }

  @Test
  void thePatchNamesEveryStatusFieldOfTheCrd() throws IOException {
    Path crd =
        Path.of(System.getProperty("basedir", "."))
            .resolve("../deploy/crds/crontasks.kubetask.io.yaml")
            .normalize();
    CustomResourceDefinition definition;
    try (InputStream in = Files.newInputStream(crd)) {
      definition = SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
    }
    var status =
        definition
            .getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("status");

    assertThat(fieldNames(patch(EMPTY).get("status")))
        .containsExactlyInAnyOrderElementsOf(
            status.getProperties().keySet().stream()
                .filter(name -> !StatusRecorder.WORKER_OWNED.contains(name))
                .toList());
    assertThat(status.getProperties()).containsKeys("lastFire", "fires");
  }

  @Test
  void theWorkersLastFireIsNeitherWrittenNorCleared() throws IOException {
    var fire =
        new CronTaskFireStatus(
            "2025-12-10T09:00:00Z", "Skipped", "Forbid", "nightly-1 is still active.", null);
    var status =
        new CronTaskStatus(
            null,
            0,
            null,
            null,
            null,
            0L,
            0L,
            null,
            1L,
            "crontask/t/n",
            fire,
            Map.of("Forbid", 1L));

    JsonNode written = patch(status).get("status");

    assertThat(written.has("lastFire")).isFalse();
    assertThat(written.has("fires")).isFalse();
    assertThat(written.get("scheduleId").asText()).isEqualTo("crontask/t/n");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
