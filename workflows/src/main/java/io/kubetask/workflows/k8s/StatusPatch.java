package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.Map;

/**
 * Merge patches of an object's status: only the fields given change, so a status with several
 * writers never loses another writer's field.
 */
public final class StatusPatch {
  private StatusPatch() {}

  /** Sets these status fields. */
  public static void merge(
      KubernetesClient client, HasMetadata object, Map<String, Object> fields) {
    send(client, object, Map.of("status", fields));
  }

  /**
   * Sets these status fields unless the object changed since it was read: the patch carries the
   * resourceVersion read, and the API server refuses it otherwise.
   *
   * @return false when refused, or when the object is gone
   */
  public static boolean mergeIfUnchanged(
      KubernetesClient client, HasMetadata object, Map<String, Object> fields) {
    Map<String, Object> body =
        Map.of(
            "metadata",
            Map.of("resourceVersion", object.getMetadata().getResourceVersion()),
            "status",
            fields);
    try {
      send(client, object, body);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private static void send(KubernetesClient client, HasMetadata object, Map<String, Object> body) {
    MergePatch.status(client, object, Serialization.asJson(body));
  }
}
