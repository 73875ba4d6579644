package io.kubetask.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApproversTest {
  @Test
  void theManagerOfTheApproveAnnotationApprovedTheNewestIfSeveralSetIt() {
    String json =
        """
        {"metadata":{"name":"migrate","managedFields":[
          {"manager":"kubectl-client-side-apply","operation":"Update","time":"2026-12-01T10:00:00Z",
           "fieldsV1":{"f:spec":{}}},
          {"manager":"ci-bot","operation":"Update","time":"2026-12-01T10:01:00Z",
           "fieldsV1":{"f:metadata":{"f:annotations":{"f:kubetask.io/approve":{}}}}},
          {"manager":"kubectl-annotate","operation":"Update","time":"2026-12-01T10:02:00Z",
           "fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubetask.io/approve":{}}}}},
          {"manager":"kubetask-worker","operation":"Update","time":"2026-12-01T10:03:00Z",
           "subresource":"status","fieldsV1":{"f:status":{}}}]}}
        """;

    assertThat(Approvers.manager(json)).contains("kubectl-annotate");
  }

  @Test
  void withoutARecordNobodyIsNamed() {
    assertThat(Approvers.manager("{\"metadata\":{\"name\":\"migrate\"}}")).isEmpty();
    assertThat(Approvers.manager("not json")).isEmpty();
  }
}
