package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Objects;

/**
 * Controller owner references. Deleting the owner garbage-collects the object, and the owner's uid
 * tells an object made for it from one left by an earlier owner of the same name.
 */
public final class Owners {
  private Owners() {}

  public static OwnerReference controller(
      Class<? extends HasMetadata> kind, String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(kind))
        .withKind(HasMetadata.getKind(kind))
        .withName(name)
        .withUid(uid)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  public static boolean controlledBy(HasMetadata object, String ownerUid) {
    return object.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            o -> Objects.equals(o.getUid(), ownerUid) && Boolean.TRUE.equals(o.getController()));
  }
}
