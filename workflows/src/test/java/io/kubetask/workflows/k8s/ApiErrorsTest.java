package io.kubetask.workflows.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

  @Test
  void theServersMessageWithoutTheRequestAroundIt() {
    var status =
        new StatusBuilder()
            .withCode(422)
            .withMessage("Task.kubetask.io \"t\" is invalid: spec.agentName: Required value")
            .build();
    var e = new KubernetesClientException("Failure executing: POST at: https://...", 422, status);

    assertThat(ApiErrors.message(e))
        .isEqualTo("Task.kubetask.io \"t\" is invalid: spec.agentName: Required value");
  }

  @Test
  void theClientsMessageWhenTheServerSentNone() {
    assertThat(ApiErrors.message(new KubernetesClientException("connection refused")))
        .isEqualTo("connection refused");
    var empty = new KubernetesClientException("timeout", 504, new StatusBuilder().build());
    assertThat(ApiErrors.message(empty)).isEqualTo("timeout");
  }

  @Test
  void aCreateInANamespaceBeingDeletedIsToldFromOtherRefusals() {
    var terminating =
        new StatusBuilder()
            .withCode(403)
            .withReason("Forbidden")
            .withMessage(
                "events \"t.\" is forbidden: unable to create new content in namespace team-a"
                    + " because it is being terminated")
            .withNewDetails()
            .addNewCause()
            .withField("metadata.namespace")
            .withReason("NamespaceTerminating")
            .withMessage("namespace team-a is being terminated")
            .endCause()
            .endDetails()
            .build();
    var rbac =
        new StatusBuilder()
            .withCode(403)
            .withReason("Forbidden")
            .withMessage("events is forbidden: User \"kubetask\" cannot create resource \"events\"")
            .build();

    assertThat(ApiErrors.namespaceTerminating(new KubernetesClientException("", 403, terminating)))
        .isTrue();
    assertThat(ApiErrors.namespaceTerminating(new KubernetesClientException("", 403, rbac)))
        .isFalse();
    assertThat(ApiErrors.namespaceTerminating(new KubernetesClientException("refused"))).isFalse();
  }
}
