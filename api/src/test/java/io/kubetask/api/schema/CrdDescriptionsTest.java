package io.kubetask.api.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every property of our schemas has a description, so that {@code kubectl explain} documents it.
 * The walk follows the Java model beside the schema: it requires descriptions on every property of
 * our own types ({@code io.kubetask}) and on the fields that hold Kubernetes types (Toleration,
 * Affinity, ObjectReference, Condition), but not inside those types, whose fabric8 schemas carry no
 * descriptions.
 */
class CrdDescriptionsTest {
  static final List<Class<? extends HasMetadata>> KINDS = Crds.KINDS;

  /** A deep property of each kind, to show that the walk reaches it. */
  private static final Map<Class<?>, String> DEEPEST =
      Map.of(
          io.kubetask.api.v1alpha1.Task.class,
          "spec.contexts[].file.source.configMapKeyRef.optional",
          io.kubetask.api.v1alpha1.CronTask.class,
          "spec.taskTemplate.spec.contexts[].file.source.configMapRef.name",
          io.kubetask.api.v1alpha1.Agent.class,
          "spec.credentials[].secretRef.key",
          io.kubetask.api.v1alpha1.KubeTaskConfig.class,
          "spec.taskLifecycle.ttlSecondsAfterFinished");

  @ParameterizedTest(name = "{0}")
  @FieldSource("KINDS")
  void everyPropertyOfOurTypesHasADescription(Class<? extends HasMetadata> kind) {
    JSONSchemaProps root = Crds.schema(kind);
    List<String> missing = new ArrayList<>();
    List<String> unmapped = new ArrayList<>();
    List<String> visited = new ArrayList<>();

    if (root.getDescription() == null || root.getDescription().isBlank()) {
      missing.add("(the kind itself)");
    }
    for (Map.Entry<String, JSONSchemaProps> e : root.getProperties().entrySet()) {
      Type javaType = rootPropertyType(kind, e.getKey());
      if (javaType == Void.class) {
        unmapped.add(e.getKey() + " (the kind has no status)");
        continue;
      }
      walk(e.getKey(), e.getValue(), javaType, missing, unmapped, visited);
    }

    assertThat(visited).as("walked properties").contains(DEEPEST.get(kind));
    assertThat(unmapped).as("schema properties without a Java counterpart").isEmpty();
    assertThat(missing)
        .as(
            "properties of %s without a description (add @JsonPropertyDescription)",
            kind.getSimpleName())
        .isEmpty();
  }

  private static void walk(
      String path,
      JSONSchemaProps schema,
      Type javaType,
      List<String> missing,
      List<String> unmapped,
      List<String> visited) {
    visited.add(path);
    if (schema.getDescription() == null || schema.getDescription().isBlank()) {
      missing.add(path);
    }
    Type element = javaType;
    JSONSchemaProps elementSchema = schema;
    String elementPath = path;
    if (isA(javaType, List.class)) {
      element = typeArgument(javaType, 0);
      elementSchema = schema.getItems().getSchema();
      elementPath = path + "[]";
    } else if (isA(javaType, Map.class)) {
      element = typeArgument(javaType, 1);
      elementSchema = schema.getAdditionalProperties().getSchema();
      elementPath = path + "{}";
    }
    Class<?> type = raw(element);
    if (!type.getName().startsWith("io.kubetask.") || !type.isRecord()) {
      return; // a scalar, an enum, or a Kubernetes type whose inside is not ours
    }
    if (elementSchema.getProperties() == null) {
      unmapped.add(elementPath + " (no properties for " + type.getSimpleName() + ")");
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> e : elementSchema.getProperties().entrySet()) {
      Optional<RecordComponent> component =
          Arrays.stream(type.getRecordComponents())
              .filter(c -> c.getName().equals(e.getKey()))
              .findFirst();
      if (component.isEmpty()) {
        unmapped.add(elementPath + "." + e.getKey());
        continue;
      }
      walk(
          elementPath + "." + e.getKey(),
          e.getValue(),
          component.get().getGenericType(),
          missing,
          unmapped,
          visited);
    }
  }

  /** spec and status come from CustomResource's type arguments. */
  private static Type rootPropertyType(Class<?> kind, String property) {
    ParameterizedType superType = (ParameterizedType) kind.getGenericSuperclass();
    assertThat(superType.getRawType()).isEqualTo(CustomResource.class);
    return switch (property) {
      case "spec" -> superType.getActualTypeArguments()[0];
      case "status" -> superType.getActualTypeArguments()[1];
      default -> throw new AssertionError("unexpected root property " + property);
    };
  }

  private static boolean isA(Type type, Class<?> raw) {
    return raw.isAssignableFrom(raw(type));
  }

  private static Class<?> raw(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  private static Type typeArgument(Type type, int index) {
    return ((ParameterizedType) type).getActualTypeArguments()[index];
  }
}
