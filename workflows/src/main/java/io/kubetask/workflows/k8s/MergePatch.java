package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * JSON merge patches (RFC 7386) sent to the object at hand. The client addresses a patch by the
 * object given; a patch addressed by name alone makes it GET the whole object first (to learn where
 * to send the patch), one round trip and one quorum read per patch that a merge patch does not
 * need.
 */
public final class MergePatch {
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private MergePatch() {}

  /** Patches the object (metadata, spec). */
  public static void object(KubernetesClient client, HasMetadata object, String patch) {
    client.resource(object).patch(MERGE, patch);
  }

  /** Patches the object's status subresource. */
  public static void status(KubernetesClient client, HasMetadata object, String patch) {
    client.resource(object).subresource("status").patch(MERGE, patch);
  }
}
