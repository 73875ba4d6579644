package io.kubetask.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeanCacheTest {
  private static ConfigMap configMap() {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("guides")
        .withNamespace("team")
        .withResourceVersion("42")
        .withLabels(Map.of("app", "x"))
        .addToManagedFields(
            new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build())
        .endMetadata()
        .addToData("guide.md", "Keep behaviour unchanged.")
        .build();
  }

  @Test
  void cachedObjectsKeepEverythingButTheirManagedFields() {
    var store = LeanCache.<ConfigMap>store();
    store.put(store.getKey(configMap()), configMap());

    ConfigMap cached = store.get("team/guides");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getLabels()).containsEntry("app", "x");
    assertThat(cached.getData()).containsEntry("guide.md", "Keep behaviour unchanged.");
  }

  @Test
  void aFurtherTrimAppliesToo() {
    var store =
        LeanCache.<ConfigMap>store(
            cm -> {
              cm.setData(Map.of());
              return cm;
            });
    store.put("team/guides", configMap());

    ConfigMap cached = store.get("team/guides");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getData()).isEmpty();
  }
}
