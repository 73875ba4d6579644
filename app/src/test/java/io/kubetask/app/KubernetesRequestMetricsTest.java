package io.kubetask.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.app.KubernetesRequestMetrics.Request;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesRequestMetricsTest {
  @ParameterizedTest
  @CsvSource({
    "GET, /apis/kubetask.io/v1alpha1/namespaces/ns/tasks/fix-bug, get, tasks",
    "PATCH, /apis/kubetask.io/v1alpha1/namespaces/ns/tasks/fix-bug/status, patch, tasks/status",
    "GET, /api/v1/namespaces/ns/pods?labelSelector=a%3Db, list, pods",
    "GET, /api/v1/pods?allowWatchBookmarks=true&watch=true&resourceVersion=7, watch, pods",
    "GET, /apis/batch/v1/namespaces/ns/jobs?watch=1, watch, jobs",
    "GET, /apis/batch/v1/namespaces/ns/jobs?stopwatch=true, list, jobs",
    "POST, /api/v1/namespaces/ns/events, create, events",
    "PUT, /apis/coordination.k8s.io/v1/namespaces/ns/leases/kubetask, update, leases",
    "DELETE, /apis/batch/v1/namespaces/ns/jobs/fix-bug-1, delete, jobs",
    "DELETE, /api/v1/namespaces/ns/configmaps, deletecollection, configmaps",
    "GET, /api/v1/namespaces/ns, get, namespaces",
    "GET, /api/v1/namespaces, list, namespaces",
    "PUT, /api/v1/namespaces/ns/finalize, update, namespaces/finalize",
    "GET, /apis/kubetask.io/v1alpha1/tasks, list, tasks",
    "GET, /version, get, ''",
    "GET, /apis/kubetask.io/v1alpha1, get, ''",
  })
  void requestsAreNamedAsTheApiServerNamesThem(
      String method, String uri, String verb, String resource) {
    assertThat(Request.of(method, URI.create("https://api.example:6443" + uri)))
        .isEqualTo(new Request(verb, resource));
  }
}
