package io.kubetask.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * fabric8's CRUD dispatcher with JSON merge patches applied as RFC 7386 says, as the API server
 * does. The stock dispatcher (7.5.2) merges with Jackson's {@code readerForUpdating}, which appends
 * the patch's array items to the stored array instead of replacing it: a status patch of {@code
 * conditions} then leaves stale duplicates (see {@link CrudMockMergePatchTest}).
 */
public final class MergePatchCrudDispatcher extends KubernetesCrudDispatcher {

  /** A started CRUD mock server that uses this dispatcher. */
  public static KubernetesMockServer startServer() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            new MergePatchCrudDispatcher(),
            false);
    server.init();
    return server;
  }

  @Override
  public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
    try {
      return apply(current.deepCopy(), Serialization.jsonMapper().readTree(patch));
    } catch (JsonProcessingException e) {
      throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
    }
  }

  /** RFC 7386: objects merge key by key, null removes a key, anything else replaces. */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target
            : JsonNodeFactory.instance.objectNode();
    patch
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isNull()) {
                result.remove(e.getKey());
              } else {
                result.set(e.getKey(), apply(result.get(e.getKey()), e.getValue()));
              }
            });
    return result;
  }
}
