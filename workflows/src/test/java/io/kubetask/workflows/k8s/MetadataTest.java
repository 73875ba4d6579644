package io.kubetask.workflows.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {

  private static ConfigMap withAnnotations(Map<String, String> annotations) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("cm")
        .withAnnotations(annotations)
        .endMetadata()
        .build();
  }

  @Test
  void readsAnAnnotation() {
    ConfigMap object = withAnnotations(Map.of("kubetask.io/stop", "OverBudget"));

    assertThat(Metadata.annotation(object, "kubetask.io/stop")).isEqualTo("OverBudget");
    assertThat(Metadata.annotation(object, "kubetask.io/release")).isNull();
    assertThat(Metadata.hasAnnotation(object, "kubetask.io/stop")).isTrue();
    assertThat(Metadata.hasAnnotation(object, "kubetask.io/release")).isFalse();
  }

  @Test
  void anObjectWithoutAnnotationsHasNone() {
    ConfigMap object = withAnnotations(null);
    object.getMetadata().setAnnotations(null);

    assertThat(Metadata.annotation(object, "kubetask.io/stop")).isNull();
    assertThat(Metadata.hasAnnotation(object, "kubetask.io/stop")).isFalse();
  }

  @Test
  void anEmptyValueIsAnAnnotationAllTheSame() {
    Map<String, String> annotations = new HashMap<>();
    annotations.put("kubetask.io/stop", "");
    annotations.put("kubetask.io/release", null);
    ConfigMap object = withAnnotations(annotations);

    assertThat(Metadata.annotation(object, "kubetask.io/stop")).isEmpty();
    assertThat(Metadata.hasAnnotation(object, "kubetask.io/stop")).isTrue();
    assertThat(Metadata.hasAnnotation(object, "kubetask.io/release")).isTrue();
  }
}
