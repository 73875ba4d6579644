package io.kubetask.e2e.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The CRDs of this checkout ({@code deploy/crds/*.yaml}) on the stack's API server. */
public final class Crds {
  /** Field manager of everything the e2e support applies. */
  public static final String FIELD_MANAGER = "kubetask-e2e";

  private static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(60);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Path dir;
  private boolean applied;

  Crds(KubernetesClient client, Path dir) {
    this.client = client;
    this.dir = dir;
  }

  /** The CRDs in deploy/crds, parsed. */
  public List<CustomResourceDefinition> files() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        crds.add(SERIALIZATION.unmarshal(Files.readString(file), CustomResourceDefinition.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (crds.isEmpty()) {
      throw new AssertionError("no CRDs in " + dir + ": run hack/update-crds");
    }
    return crds;
  }

  /**
   * Applies the CRDs of deploy/crds with server-side apply (forcing conflicts) and waits until each
   * is Established and the API server serves the schema of each one that changed. Runs once per
   * JVM; later calls return at once.
   */
  public synchronized void apply() {
    if (applied) {
      return;
    }
    List<CustomResourceDefinition> changed = new ArrayList<>();
    for (CustomResourceDefinition crd : files()) {
      String name = crd.getMetadata().getName();
      CustomResourceDefinition before =
          client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      CustomResourceDefinition after;
      try {
        after =
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .fieldManager(FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 0) {
          throw new StackUnavailableException(
              "KubeTask E2E: the API server went away while applying CRD "
                  + name
                  + " ("
                  + e.getCause()
                  + "); check 'hack/stack status'",
              e);
        }
        throw new AssertionError(
            "the API server rejected CRD " + name + " from " + dir + ": " + message(e), e);
      }
      if (before == null
          || !Objects.equals(
              before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
        changed.add(crd);
      }
    }
    for (CustomResourceDefinition crd : files()) {
      awaitEstablished(crd.getMetadata().getName());
    }
    // Established is already true on an updated CRD: wait until the API server serves the schema
    // that was applied before the first request validates against it.
    changed.forEach(this::awaitSchemaPublished);
    applied = true;
  }

  private void awaitEstablished(String name) {
    await("CRD " + name + " Established")
        .atMost(ESTABLISH_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.apiextensions().v1().customResourceDefinitions().withName(name).get(),
            crd ->
                crd != null
                    && crd.getStatus() != null
                    && crd.getStatus().getConditions() != null
                    && crd.getStatus().getConditions().stream().anyMatch(Crds::established));
  }

  /**
   * Waits until the API server's OpenAPI v3 document describes each version of {@code crd} with the
   * schema just applied: the same fields, descriptions, rules and limits in each property of the
   * root but metadata (which the server fills in). The server's handler of the kind and its OpenAPI
   * controller follow the CRD through the same informer, and the OpenAPI is rebuilt through a work
   * queue after the handler dropped the old schema: once the document shows the new schema,
   * requests are validated against it.
   */
  private void awaitSchemaPublished(CustomResourceDefinition crd) {
    String group = crd.getSpec().getGroup();
    String kind = crd.getSpec().getNames().getKind();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      // As the client sent it.
      JsonNode applied =
          SERIALIZATION.convertValue(version.getSchema().getOpenAPIV3Schema(), JsonNode.class);
      String path = "/openapi/v3/apis/" + group + "/" + version.getName();
      await("the schema of " + kind + " " + version.getName() + " in " + path)
          .atMost(ESTABLISH_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> publishedMatches(path, group, version.getName(), kind, applied));
    }
  }

  private boolean publishedMatches(
      String path, String group, String version, String kind, JsonNode applied) throws IOException {
    String document = client.raw(path);
    if (document == null) {
      return false;
    }
    for (JsonNode schema : JSON.readTree(document).path("components").path("schemas")) {
      for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
        if (group.equals(gvk.path("group").asText())
            && version.equals(gvk.path("version").asText())
            && kind.equals(gvk.path("kind").asText())) {
          // The server adds apiVersion, kind and metadata at the root.
          for (String name : names(applied.path("properties"))) {
            if (!name.equals("metadata")
                && !covers(
                    schema.path("properties").path(name), applied.path("properties").path(name))) {
              return false;
            }
          }
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code published} says all that {@code applied} says (numbers compared by value), with
   * the same properties at every level.
   */
  private static boolean covers(JsonNode published, JsonNode applied) {
    if (applied.isObject()) {
      if (!published.isObject() || !sameProperties(applied, published)) {
        return false;
      }
      for (Map.Entry<String, JsonNode> field : applied.properties()) {
        if (!covers(published.path(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (applied.isArray()) {
      if (!published.isArray() || published.size() != applied.size()) {
        return false;
      }
      for (int i = 0; i < applied.size(); i++) {
        if (!covers(published.get(i), applied.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (applied.isNumber()) {
      return published.isNumber()
          && published.decimalValue().compareTo(applied.decimalValue()) == 0;
    }
    return applied.equals(published);
  }

  private static boolean sameProperties(JsonNode applied, JsonNode published) {
    return !applied.has("properties")
        || names(applied.path("properties")).equals(names(published.path("properties")));
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean established(CustomResourceDefinitionCondition c) {
    return "Established".equals(c.getType()) && "True".equals(c.getStatus());
  }

  private static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
