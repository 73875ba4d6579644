package io.kubetask.api.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The CRDs committed in {@code deploy/crds/} are the ones this build generates. The comparison is
 * on the parsed YAML, so formatting and key order do not matter; any change of content does.
 */
class GeneratedCrdsTest {
  private static final String HOW_TO_FIX =
      "The committed CRDs are out of date with the model in api/src/main. Run hack/update-crds"
          + " (it regenerates deploy/crds/ from the model) and commit the result.";
  private static final int MAX_LISTED = 15;

  static final List<Class<? extends HasMetadata>> KINDS = Crds.KINDS;

  @ParameterizedTest(name = "{0}")
  @FieldSource("KINDS")
  void committedCrdEqualsGenerated(Class<? extends HasMetadata> kind) {
    Path committed = Crds.committedFile(kind);
    if (!Files.isRegularFile(committed)) {
      fail("%s is missing. %s", committed, HOW_TO_FIX);
    }

    JsonNode expected = Crds.tree(Crds.generatedYaml(kind));
    JsonNode actual = Crds.tree(committed);

    if (!expected.equals(actual)) {
      List<String> differences = new ArrayList<>();
      diff("", expected, actual, differences);
      fail(
          "deploy/crds/%s differs from the generated %s at:%n  %s%s%n%s",
          committed.getFileName(),
          Crds.generatedResource(kind),
          String.join("\n  ", differences.subList(0, Math.min(MAX_LISTED, differences.size()))),
          differences.size() > MAX_LISTED
              ? "\n  ... and " + (differences.size() - MAX_LISTED) + " more"
              : "",
          HOW_TO_FIX);
    }
  }

  @Test
  void noStaleCrdIsCommitted() throws IOException {
    Set<String> expected = new TreeSet<>();
    KINDS.forEach(k -> expected.add(Crds.committedFile(k).getFileName().toString()));

    Set<String> committed = new TreeSet<>();
    try (Stream<Path> files = Files.list(Crds.COMMITTED_DIR)) {
      files.map(p -> p.getFileName().toString()).forEach(committed::add);
    }

    assertThat(committed)
        .as("files in %s. %s", Crds.COMMITTED_DIR, HOW_TO_FIX)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void diffNamesThePathsThatDiffer() {
    JsonNode generated = Crds.tree("a: {b: 1, c: [x, y]}\nd: 2\n");
    JsonNode committed = Crds.tree("a: {b: 2, c: [x, z]}\ne: 3\n");

    List<String> differences = new ArrayList<>();
    diff("", generated, committed, differences);

    assertThat(differences)
        .containsExactly(
            ".a.b: generated 1, committed 2",
            ".a.c[1]: generated \"y\", committed \"z\"",
            ".d: missing in deploy/crds",
            ".e: only in deploy/crds");
  }

  /** JSON paths at which two trees differ, with both values when they are scalars. */
  static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (expected == null || actual == null) {
      out.add(path + ": " + (expected == null ? "only in deploy/crds" : "missing in deploy/crds"));
    } else if (expected.isObject() && actual.isObject()) {
      Set<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        diff(path + "." + name, expected.get(name), actual.get(name), out);
      }
    } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      Iterator<JsonNode> e = expected.elements();
      Iterator<JsonNode> a = actual.elements();
      for (int i = 0; e.hasNext(); i++) {
        diff(path + "[" + i + "]", e.next(), a.next(), out);
      }
    } else if (!expected.equals(actual)) {
      out.add(path + ": generated " + abbreviate(expected) + ", committed " + abbreviate(actual));
    }
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
