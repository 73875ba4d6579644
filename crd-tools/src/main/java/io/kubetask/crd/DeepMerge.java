package io.kubetask.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Applies its input to a generated schema as an RFC 7386 merge patch, recursively. The built-in
 * merge-patch customizer is shallow and would replace a whole {@code properties} map; this one only
 * adds the keywords fabric8 cannot express (list types, formats, enums).
 */
public final class DeepMerge implements SchemaCustomizer.Customizer {
  @Override
  public JSONSchemaProps apply(
      JSONSchemaProps props, String input, KubernetesSerialization serialization) {
    ObjectNode base = serialization.convertValue(props, ObjectNode.class);
    merge(base, serialization.unmarshal(input, JsonNode.class));
    return serialization.convertValue(base, JSONSchemaProps.class);
  }

  private static void merge(ObjectNode target, JsonNode patch) {
    patch
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = e.getValue();
              if (value.isNull()) {
                target.remove(e.getKey());
              } else if (target.get(e.getKey()) instanceof ObjectNode o && value.isObject()) {
                merge(o, value);
              } else {
                target.set(e.getKey(), value);
              }
            });
  }
}
