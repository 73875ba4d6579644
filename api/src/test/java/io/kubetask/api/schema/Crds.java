package io.kubetask.api.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads the generated and the committed CRDs and navigates their schemas, for tests. */
final class Crds {
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(Task.class, CronTask.class, Agent.class, KubeTaskConfig.class);

  /** Where the committed copies live: {@code <repo>/deploy/crds}. */
  static final Path COMMITTED_DIR =
      Path.of(System.getProperty("basedir", ".")).resolve("../deploy/crds").normalize();

  /** Classpath folder of the CRDs generated (and finished by CrdFinisher) in this build. */
  static final String GENERATED_DIR = "META-INF/fabric8/";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Crds() {}

  /** {@code tasks.kubetask.io} for {@link Task}. */
  static String name(Class<? extends HasMetadata> kind) {
    return HasMetadata.getFullResourceName(kind);
  }

  static String generatedResource(Class<? extends HasMetadata> kind) {
    return GENERATED_DIR + name(kind) + "-v1.yml";
  }

  static Path committedFile(Class<? extends HasMetadata> kind) {
    return COMMITTED_DIR.resolve(name(kind) + ".yaml");
  }

  static String generatedYaml(Class<? extends HasMetadata> kind) {
    String resource = generatedResource(kind);
    try (InputStream in = Crds.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in)
          .as("generated CRD %s on the test classpath (built at process-classes)", resource)
          .isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CustomResourceDefinition generated(Class<? extends HasMetadata> kind) {
    return SERIALIZATION.unmarshal(generatedYaml(kind), CustomResourceDefinition.class);
  }

  static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(Path file) {
    try {
      return tree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The openAPIV3Schema of the only version. */
  static JSONSchemaProps schema(Class<? extends HasMetadata> kind) {
    CustomResourceDefinition crd = generated(kind);
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /**
   * The schema at a dotted path below the root: {@code spec.contexts[].file.source}; {@code []}
   * steps into list items, {@code {}} into map values.
   */
  static JSONSchemaProps at(Class<? extends HasMetadata> kind, String path) {
    JSONSchemaProps node = schema(kind);
    for (String segment : path.split("\\.")) {
      String name = segment.replace("[]", "").replace("{}", "");
      if (!name.isEmpty()) {
        assertThat(node.getProperties())
            .as("properties of the parent of '%s' in %s", name, path)
            .containsKey(name);
        node = node.getProperties().get(name);
      }
      for (int i = name.length(); i < segment.length(); i += 2) {
        node =
            segment.startsWith("[]", i)
                ? node.getItems().getSchema()
                : node.getAdditionalProperties().getSchema();
        assertThat(node).as("items/values of %s in %s", name, path).isNotNull();
      }
    }
    return node;
  }

  /** The CEL rule messages on the schema at a path. */
  static List<String> messages(Class<? extends HasMetadata> kind, String path) {
    List<ValidationRule> rules = at(kind, path).getXKubernetesValidations();
    return rules == null ? List.of() : rules.stream().map(ValidationRule::getMessage).toList();
  }

  static List<ValidationRule> rules(Class<? extends HasMetadata> kind, String path) {
    List<ValidationRule> rules = at(kind, path).getXKubernetesValidations();
    return rules == null ? List.of() : rules;
  }
}
