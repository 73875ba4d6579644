package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/** Reads an object's metadata, where fabric8 leaves an empty map as null. */
public final class Metadata {
  private Metadata() {}

  /** The annotation's value, or null when the object does not carry it. */
  public static String annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** Whether the object carries the annotation, whatever its value (an empty one too). */
  public static boolean hasAnnotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(key);
  }
}
