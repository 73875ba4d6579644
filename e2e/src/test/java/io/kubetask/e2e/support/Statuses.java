package io.kubetask.e2e.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/** Writes the status of custom resources the way a controller does. */
public final class Statuses {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Statuses() {}

  /**
   * JSON-merge-patches {@code status} into the status subresource of {@code resource}, without
   * resourceVersion: no conflict with other writers (a finalizer added by an operator, say).
   * Returns the object as the API server stored it right after this patch.
   */
  public static GenericKubernetesResource merge(
      KubernetesClient client, HasMetadata resource, Object status) {
    GenericKubernetesResource target = new GenericKubernetesResource();
    target.setApiVersion(resource.getApiVersion());
    target.setKind(resource.getKind());
    target.setMetadata(resource.getMetadata());
    return client
        .resource(target)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), SERIALIZATION.asJson(Map.of("status", status)));
  }
}
