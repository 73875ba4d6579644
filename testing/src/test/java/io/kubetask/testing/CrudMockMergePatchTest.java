package io.kubetask.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Why the activity tests use {@link MergePatchCrudDispatcher}: the stock CRUD mock appends arrays
 * on a JSON merge patch. If this test starts failing, fabric8 fixed it and the workaround can go.
 */
@EnableKubernetesMockClient(crud = true)
class CrudMockMergePatchTest {
  KubernetesClient client;

  private static final String PATCH =
      "{\"metadata\":{\"finalizers\":[\"b\"],\"labels\":{\"drop\":null,\"add\":\"x\"}}}";

  private static ConfigMap applyAndPatch(KubernetesClient c) {
    c.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cm")
                .withNamespace("ns")
                .withFinalizers("a")
                .addToLabels("drop", "me")
                .addToLabels("keep", "me")
                .endMetadata()
                .build())
        .create();
    c.configMaps()
        .inNamespace("ns")
        .withName("cm")
        .patch(PatchContext.of(PatchType.JSON_MERGE), PATCH);
    return c.configMaps().inNamespace("ns").withName("cm").get();
  }

  @Test
  void stockCrudMockAppendsArraysOnMergePatch() {
    ConfigMap patched = applyAndPatch(client);

    assertThat(patched.getMetadata().getFinalizers()).isEqualTo(List.of("a", "b"));
  }

  @Test
  void fixedDispatcherReplacesArraysAndRemovesNulls() {
    KubernetesMockServer server = MergePatchCrudDispatcher.startServer();
    try (KubernetesClient fixed = server.createClient()) {
      ConfigMap patched = applyAndPatch(fixed);

      assertThat(patched.getMetadata().getFinalizers()).isEqualTo(List.of("b"));
      assertThat(patched.getMetadata().getLabels()).containsOnlyKeys("keep", "add");
    } finally {
      server.destroy();
    }
  }
}
