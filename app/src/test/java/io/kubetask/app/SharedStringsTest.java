package io.kubetask.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedStringsTest {
  private final KubernetesSerialization serialization = KubernetesConnection.serialization();

  @Test
  void valuesThatRepeatAcrossObjectsAreOneInstance() {
    Pod first = serialization.unmarshal(podJson("agent-1", "uid-1"), Pod.class);
    Pod second = serialization.unmarshal(podJson("agent-2", "uid-2"), Pod.class);

    assertThat(second.getMetadata().getNamespace())
        .isEqualTo("team-a")
        .isSameAs(first.getMetadata().getNamespace());
    assertThat(second.getStatus().getPhase())
        .isEqualTo("Running")
        .isSameAs(first.getStatus().getPhase());
    assertThat(second.getStatus().getConditions().get(0).getStatus())
        .isEqualTo("True")
        .isSameAs(first.getStatus().getConditions().get(0).getStatus());
    assertThat(second.getMetadata().getOwnerReferences().get(0).getApiVersion())
        .isEqualTo("batch/v1")
        .isSameAs(first.getMetadata().getOwnerReferences().get(0).getApiVersion());
    assertThat(second.getMetadata().getLabels().get("app"))
        .isEqualTo("kubetask")
        .isSameAs(first.getMetadata().getLabels().get("app"));
    // Within one object too: a pod's start and its conditions' transitions are the same second.
    assertThat(second.getStatus().getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-12-03T10:00:00Z")
        .isSameAs(second.getStatus().getStartTime());
  }

  @Test
  void valuesThatDifferAreReadAsTheyAreWhateverTheirSlots() {
    // Far more distinct values than the table has slots: every slot is taken over many times.
    Map<String, String> data = new LinkedHashMap<>();
    for (int i = 0; i < SharedStrings.SLOTS * 4; i++) {
      data.put("key-" + i, i % 3 == 0 ? "same" : "value-" + i);
    }
    data.put("long", "x".repeat(SharedStrings.MAX_LENGTH + 1));
    String json =
        serialization.asJson(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("c")
                .endMetadata()
                .withData(data)
                .build());

    ConfigMap read = serialization.unmarshal(json, ConfigMap.class);
    ConfigMap again = serialization.unmarshal(json, ConfigMap.class);

    assertThat(read.getData()).isEqualTo(data);
    assertThat(again.getData()).isEqualTo(data);
    assertThat(again.getData().get("long")).isNotSameAs(read.getData().get("long"));
  }

  private String podJson(String name, String uid) {
    String at = "2026-12-03T10:00:00Z";
    return serialization.asJson(
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("team-a")
            .withUid(uid)
            .addToLabels("app", "kubetask")
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(name)
            .withUid("job-" + uid)
            .endOwnerReference()
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .withStartTime(at)
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastTransitionTime(at)
            .endCondition()
            .endStatus()
            .build());
  }
}
