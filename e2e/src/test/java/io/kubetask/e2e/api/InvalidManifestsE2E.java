package io.kubetask.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubetask.e2e.support.Manifests;
import io.kubetask.e2e.support.TestNamespace;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server rejects each manifest of the catalogue {@code api/invalid/*.yaml} with 422 and the
 * message its header announces ({@code # expect: <fragment>}, one line per fragment).
 *
 * <p>Each manifest has exactly one defect: the API server evaluates the CEL rules only when the
 * object passes the OpenAPI checks (types, required, enums, bounds), so a second, structural defect
 * would hide a CEL message.
 */
@Tag("api")
class InvalidManifestsE2E {
  private static final String CATALOGUE = "api/invalid";
  private static final String CEL_SKIPPED = "some validation rules were not checked";

  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  static List<String> catalogue() {
    return Manifests.list(CATALOGUE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void isRejectedWithTheExpectedMessage(String file) {
    String resource = CATALOGUE + "/" + file;
    List<String> expected = Manifests.header(resource, "expect");
    assertThat(expected).as("'# expect:' lines of %s", resource).isNotEmpty();
    List<GenericKubernetesResource> documents = Manifests.load(resource);
    assertThat(documents).as("documents in %s", resource).hasSize(1);
    GenericKubernetesResource manifest = documents.get(0);
    manifest.getMetadata().setNamespace(NS.name());

    KubernetesClientException rejection =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> {
              NS.client().resource(manifest).create();
              NS.client().resource(manifest).delete();
            });

    assertThat(rejection).as("%s was accepted", file).isNotNull();
    assertThat(rejection.getCode())
        .as("HTTP status of %s: %s", file, rejection.getMessage())
        .isEqualTo(422);
    String message = rejection.getStatus().getMessage();
    assertThat(expected).allSatisfy(fragment -> assertThat(message).contains(fragment));
    assertThat(causes(rejection))
        .as("every cause is about the one defect of %s", file)
        .allSatisfy(cause -> assertThat(expected).anySatisfy(e -> assertThat(cause).contains(e)));
  }

  /** The catalogue covers every validation the issue lists; each entry names a catalogue file. */
  @Test
  void coversEveryValidationOfTheIssue() {
    Map<String, List<String>> byValidation =
        Map.ofEntries(
            Map.entry("a File context needs file", List.of("task-file-context-without-file")),
            Map.entry(
                "exactly one of filePath / dirPath",
                List.of("task-file-without-path", "task-file-with-file-and-dir-path")),
            Map.entry(
                "exactly one source",
                List.of(
                    "task-source-empty",
                    "task-source-inline-and-configmapkeyref",
                    "task-source-all-three")),
            Map.entry(
                "dirPath only with configMapRef",
                List.of("task-dirpath-with-inline", "task-dirpath-with-configmapkeyref")),
            Map.entry(
                "filePath only with inline or configMapKeyRef",
                List.of("task-filepath-with-configmapref")),
            Map.entry(
                "paths absolute",
                List.of(
                    "task-filepath-relative",
                    "task-dirpath-relative",
                    "agent-credential-mountpath-relative")),
            Map.entry(
                "paths without ..",
                List.of(
                    "task-filepath-dot-dot",
                    "task-dirpath-dot-dot",
                    "agent-credential-mountpath-dot-dot")),
            Map.entry(
                "paths without trailing slash",
                List.of("task-filepath-trailing-slash", "task-dirpath-trailing-slash")),
            Map.entry(
                "no two contexts of one list with the same path",
                List.of(
                    "task-duplicate-file-paths",
                    "task-file-path-equals-dir-path",
                    "agent-default-contexts-duplicate-path")),
            Map.entry(
                "humanInTheLoop.enabled requires command",
                List.of("agent-human-in-the-loop-without-command")),
            Map.entry(
                "keepAliveSeconds >= 1",
                List.of("agent-keep-alive-zero", "agent-keep-alive-negative")),
            Map.entry(
                "a credential needs secretRef.name and .key",
                List.of(
                    "agent-credential-without-secretref",
                    "agent-credential-secretref-without-name",
                    "agent-credential-secretref-without-key")),
            Map.entry(
                "a credential needs env or mountPath",
                List.of("agent-credential-without-env-or-mountpath")),
            Map.entry(
                "env is a valid environment variable name",
                List.of(
                    "agent-credential-env-starts-with-digit", "agent-credential-env-with-dash")),
            Map.entry("mountPath absolute", List.of("agent-credential-mountpath-relative")),
            Map.entry(
                "fileMode within 0-0777",
                List.of(
                    "agent-credential-filemode-too-large",
                    "agent-credential-filemode-negative",
                    "agent-credential-filemode-decimal-600")),
            Map.entry(
                "serviceAccountName required on Agent",
                List.of("agent-without-serviceaccountname")),
            Map.entry(
                "runAsNonRoot forbids runAsUser 0",
                List.of("agent-security-context-non-root-as-uid-0")),
            Map.entry(
                "a non-root Agent's credential files need fsGroup or a readable mode",
                List.of("agent-non-root-credential-file-without-fsgroup")),
            Map.entry(
                "history limits >= 0",
                List.of(
                    "crontask-successful-history-negative", "crontask-failed-history-negative")),
            Map.entry("TTL >= 0", List.of("kubetaskconfig-ttl-negative")),
            Map.entry(
                "concurrencyPolicy enum",
                List.of(
                    "crontask-concurrency-policy-unknown",
                    "crontask-concurrency-policy-lowercase")),
            Map.entry(
                "schedule non-empty",
                List.of("crontask-without-schedule", "crontask-schedule-empty")),
            Map.entry(
                "schedule shaped like 5-field cron or an @ macro",
                List.of(
                    "crontask-schedule-four-fields",
                    "crontask-schedule-six-fields",
                    "crontask-schedule-unknown-macro",
                    "crontask-schedule-blank")),
            Map.entry(
                "startingDeadlineSeconds >= 0", List.of("crontask-starting-deadline-negative")));

    List<String> files = catalogue();
    assertThat(files).as("catalogue size").hasSizeGreaterThanOrEqualTo(30);
    byValidation.forEach(
        (validation, cases) ->
            assertThat(files)
                .as("catalogue cases for '%s'", validation)
                .containsAll(cases.stream().map(c -> c + ".yaml").toList()));
  }

  /**
   * The causes the API server lists, as "field: message" (its Status details), without the note it
   * adds whenever an OpenAPI check fails ("some validation rules were not checked because the
   * object was invalid"): it then skips the CEL rules.
   */
  private static List<String> causes(KubernetesClientException e) {
    if (e.getStatus().getDetails() == null || e.getStatus().getDetails().getCauses() == null) {
      return List.of();
    }
    return e.getStatus().getDetails().getCauses().stream()
        .map(InvalidManifestsE2E::describe)
        .filter(c -> !c.contains(CEL_SKIPPED))
        .collect(Collectors.toList());
  }

  private static String describe(StatusCause cause) {
    return cause.getField() == null
        ? cause.getMessage()
        : cause.getField() + ": " + cause.getMessage();
  }
}
