package io.kubetask.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * YAML manifests among the test resources. Documents are read as {@link GenericKubernetesResource}s
 * (never as the typed model), so that what reaches the API server is exactly what the file says.
 */
public final class Manifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /** The text of a classpath resource, e.g. {@code api/seed/agent-default.yaml}. */
  public static String text(String resource) {
    try (InputStream in = Manifests.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-empty documents of a YAML resource. */
  public static List<GenericKubernetesResource> load(String resource) {
    return parse(text(resource));
  }

  /** The non-empty documents of a YAML text. */
  public static List<GenericKubernetesResource> parse(String yaml) {
    try {
      return YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll().stream()
          .filter(d -> d != null && d.isObject() && !d.isEmpty())
          .map(d -> SERIALIZATION.convertValue(d, GenericKubernetesResource.class))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The values of the leading comment lines {@code # <key>: value} of a resource. */
  public static List<String> header(String resource, String key) {
    String prefix = "# " + key + ":";
    return text(resource)
        .lines()
        .takeWhile(l -> l.startsWith("#") || l.isBlank())
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).strip())
        .toList();
  }

  /** The names of the {@code .yaml} files in a classpath directory, sorted. */
  public static List<String> list(String directory) {
    URL url = Manifests.class.getClassLoader().getResource(directory);
    if (url == null) {
      throw new IllegalArgumentException("no test resource directory " + directory);
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A YAML text (one document) as a JSON tree, e.g. a status to write. */
  public static JsonNode yaml(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A resource as a JSON tree (for comparisons that ignore key order). */
  public static JsonNode tree(Object resource) {
    return SERIALIZATION.convertValue(resource, JsonNode.class);
  }
}
