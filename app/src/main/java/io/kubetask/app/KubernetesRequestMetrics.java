package io.kubetask.app;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code kubetask_kubernetes_requests_total{verb, resource, code}}: every response the process's
 * Kubernetes client receives, by the API server's verb (get, list, watch, create, update, patch,
 * delete, deletecollection), the resource it addressed ({@code tasks}, {@code tasks/status}, {@code
 * jobs}, ...) and the HTTP status. What KubeTask costs the API server, per Task and at rest, is
 * read from it.
 */
final class KubernetesRequestMetrics implements Interceptor {
  static final String NAME = "kubetask.kubernetes.requests";

  private final MeterRegistry registry;

  KubernetesRequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    Request r = Request.of(request.method(), request.uri());
    Counter.builder(NAME)
        .description("Responses from the Kubernetes API server, by verb, resource and status")
        .tag("verb", r.verb())
        .tag("resource", r.resource())
        .tag("code", Integer.toString(response.code()))
        .register(registry)
        .increment();
  }

  /**
   * A request as the API server names it.
   *
   * @param verb get, list, watch, create, update, patch, delete, deletecollection (or the HTTP
   *     method in lower case)
   * @param resource the resource's plural name, with {@code /subresource} when one is addressed;
   *     empty for a path that names no resource ({@code /version}, discovery)
   */
  record Request(String verb, String resource) {
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
    private static final Pattern WATCH = Pattern.compile("(^|&)watch=(true|1)(&|$)");

    static Request of(String method, URI uri) {
      List<String> path =
          Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList();
      // /api/v1/<rest> (the core group) or /apis/<group>/<version>/<rest>
      int prefix =
          path.isEmpty()
              ? 0
              : switch (path.get(0)) {
                case "api" -> 2;
                case "apis" -> 3;
                default -> path.size();
              };
      List<String> rest = path.subList(Math.min(prefix, path.size()), path.size());
      if (rest.isEmpty()) {
        return new Request(method.toLowerCase(Locale.ROOT), "");
      }
      // namespaces/<ns>/<resource>/... ; a namespace itself is namespaces/<name>[/status|finalize].
      if (rest.size() >= 3
          && rest.get(0).equals("namespaces")
          && !(rest.size() == 3 && NAMESPACE_SUBRESOURCES.contains(rest.get(2)))) {
        rest = rest.subList(2, rest.size());
      }
      String resource = rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
      return new Request(verb(method, rest.size() >= 2, uri.getQuery()), resource);
    }

    private static String verb(String method, boolean named, String query) {
      return switch (method) {
        case "GET" ->
            named ? "get" : query != null && WATCH.matcher(query).find() ? "watch" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> named ? "delete" : "deletecollection";
        default -> method.toLowerCase(Locale.ROOT);
      };
    }
  }
}
