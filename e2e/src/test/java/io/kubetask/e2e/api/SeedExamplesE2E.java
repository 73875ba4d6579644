package io.kubetask.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.kubetask.e2e.support.Manifests;
import io.kubetask.e2e.support.Statuses;
import io.kubetask.e2e.support.TestNamespace;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML example of the seed design ({@code api/seed/*.yaml}) is accepted as written: created
 * with strict field validation (an unknown field would be an error, not pruned), stored with every
 * field it sets (the server only adds defaults), and, when the example shows a status, that status
 * is accepted by the status subresource. Each file gets its own namespace, because the examples
 * reuse names; the namespace of the examples (kubetask-system) is replaced by it.
 */
@Tag("api")
class SeedExamplesE2E {
  private static final String SEED = "api/seed";

  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  static List<String> seedFiles() {
    return Manifests.list(SEED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seedFiles")
  void isAcceptedAsWritten(String file) {
    String namespace = NS.another(file.replace(".yaml", ""));
    List<GenericKubernetesResource> documents = Manifests.load(SEED + "/" + file);
    assertThat(documents).as("documents in %s", file).isNotEmpty();

    for (GenericKubernetesResource document : documents) {
      document.getMetadata().setNamespace(namespace);
      String what = document.getKind() + " " + document.getMetadata().getName() + " of " + file;
      Object status = document.getAdditionalProperties().get("status");

      GenericKubernetesResource created = create(document, what);

      List<String> lost = new ArrayList<>();
      missing(
          "spec", Manifests.tree(document).get("spec"), Manifests.tree(created).get("spec"), lost);
      assertThat(lost).as("fields of %s that the API server did not keep", what).isEmpty();

      if (status != null) {
        GenericKubernetesResource updated = Statuses.merge(NS.client(), created, status);
        missing("status", Manifests.tree(status), Manifests.tree(updated).get("status"), lost);
        assertThat(lost).as("status fields of %s that the API server did not keep", what).isEmpty();
      }
    }
  }

  private static GenericKubernetesResource create(GenericKubernetesResource document, String what) {
    try {
      return NS.client().resource(document).fieldValidation(Validation.STRICT).create();
    } catch (KubernetesClientException e) {
      throw new AssertionError("the API server rejected " + what + ": " + describe(e), e);
    }
  }

  /** Paths of {@code written} that {@code stored} lacks or holds with another value. */
  static void missing(String path, JsonNode written, JsonNode stored, List<String> out) {
    if (written == null) {
      return;
    }
    if (stored == null || stored.isNull()) {
      out.add(path + " (absent)");
    } else if (written.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = written.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        missing(path + "." + field.getKey(), field.getValue(), stored.get(field.getKey()), out);
      }
    } else if (written.isArray()) {
      if (!stored.isArray() || stored.size() != written.size()) {
        out.add(path + " (" + written.size() + " items written, stored " + stored + ")");
        return;
      }
      for (int i = 0; i < written.size(); i++) {
        missing(path + "[" + i + "]", written.get(i), stored.get(i), out);
      }
    } else if (!written.equals(stored)) {
      out.add(path + " (written " + written + ", stored " + stored + ")");
    }
  }

  private static String describe(KubernetesClientException e) {
    return e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
