package io.kubetask.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The YAML examples of the seed design deserialize into the model without losing a field. The
 * examples live once, in the e2e module ({@code e2e/src/test/resources/api/seed/}), where the
 * end-to-end suite also applies them to a real API server.
 */
class SeedExamplesTest {
  static final Path SEED_DIR =
      Path.of(System.getProperty("basedir", "."))
          .resolve("../e2e/src/test/resources/api/seed")
          .normalize();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Task", Task.class,
          "CronTask", CronTask.class,
          "Agent", Agent.class,
          "KubeTaskConfig", KubeTaskConfig.class);

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  static Stream<String> seedFiles() throws IOException {
    assertThat(SEED_DIR).as("seed examples directory").isDirectory();
    try (Stream<Path> files = Files.list(SEED_DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seedFiles")
  void deserializesWithoutLosingAField(String file) throws IOException {
    List<JsonNode> documents = documents(file);
    assertThat(documents).as("documents in %s", file).isNotEmpty();

    for (JsonNode document : documents) {
      Class<? extends HasMetadata> kind = KINDS.get(document.path("kind").asText());
      assertThat(kind).as("kind of a document in %s", file).isNotNull();
      assertThat(document.path("apiVersion").asText()).isEqualTo("kubetask.io/v1alpha1");

      HasMetadata resource = serialization.convertValue(document, kind);

      assertThat(resource.getMetadata().getName()).isNotBlank();
      assertThat(serialization.convertValue(resource, JsonNode.class))
          .as(
              "%s %s after model round trip",
              kind.getSimpleName(), resource.getMetadata().getName())
          .isEqualTo(document);
    }
  }

  @Test
  void coversEveryKind() throws IOException {
    List<String> kinds =
        seedFiles()
            .flatMap(f -> uncheckedDocuments(f).stream())
            .map(d -> d.path("kind").asText())
            .distinct()
            .toList();

    assertThat(kinds).containsExactlyInAnyOrderElementsOf(KINDS.keySet());
  }

  @Test
  void fileModeIsOctalAsInKubectl() throws IOException {
    Agent agent = serialization.convertValue(documents("agent-default.yaml").get(0), Agent.class);

    assertThat(agent.getSpec().credentials())
        .filteredOn(c -> c.mountPath() != null)
        .singleElement()
        .satisfies(c -> assertThat(c.fileMode()).isEqualTo(0400));
  }

  @Test
  void multiContextTaskKeepsItsThreeSources() throws IOException {
    Task task =
        serialization.convertValue(
            documents("example-2-multiple-contexts.yaml").get(0), Task.class);

    assertThat(task.getSpec().agentName()).isEqualTo("claude-workspace");
    assertThat(task.getSpec().contexts())
        .extracting(Context::path)
        .containsExactly("/workspace/task.md", "/workspace/guide.md", "/workspace/configs");
    assertThat(task.getSpec().contexts())
        .extracting(c -> c.file().source())
        .satisfiesExactly(
            s -> assertThat(s.inline()).isEqualTo("Refactor the authentication module"),
            s -> assertThat(s.configMapKeyRef().key()).isEqualTo("refactoring-guide.md"),
            s -> assertThat(s.configMapRef().name()).isEqualTo("project-configs"));
  }

  /** The non-empty YAML documents of a seed file, comments dropped. */
  static List<JsonNode> documents(String file) throws IOException {
    String text = Files.readString(SEED_DIR.resolve(file));
    return YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll().stream()
        .filter(d -> d != null && d.isObject() && !d.isEmpty())
        .toList();
  }

  private static List<JsonNode> uncheckedDocuments(String file) {
    try {
      return documents(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
