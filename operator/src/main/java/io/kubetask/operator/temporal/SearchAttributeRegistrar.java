package io.kubetask.operator.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds KubeTask's custom search attributes to the Temporal namespace. Workflows cannot start with
 * an attribute the namespace does not know, so this runs at start-up and again when a start fails
 * because the server lost them ({@link #retryingUnknown}).
 */
public class SearchAttributeRegistrar {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistrar.class);

  private final WorkflowClient client;

  public SearchAttributeRegistrar(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Runs a call that sets KubeTask's search attributes (a workflow start, a Schedule write). When
   * the server does not know them (its namespace was re-created, or start-up registration failed),
   * registers them and runs the call once more; any other failure is the caller's.
   */
  public void retryingUnknown(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!isUnknownSearchAttribute(e)) {
        throw e;
      }
      log.warn("Temporal does not know KubeTask's search attributes, registering them again");
      register();
      call.run();
    }
  }

  /** Whether Temporal refused a call because its namespace lacks a search attribute. */
  public static boolean isUnknownSearchAttribute(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException sre
          && sre.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
          && String.valueOf(sre.getStatus().getDescription())
              .toLowerCase(Locale.ROOT)
              .contains("search attribute")) {
        return true;
      }
    }
    return false;
  }

  /** Registers the attributes that are missing; those that exist are left alone. */
  public void register() {
    String namespace = client.getOptions().getNamespace();
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(client.getWorkflowServiceStubs().getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      var existing =
          operator
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
      Map<String, IndexedValueType> missing = new LinkedHashMap<>();
      for (SearchAttributeKey<String> key : SearchAttributes.ALL) {
        if (!existing.containsKey(key.getName())) {
          missing.put(key.getName(), key.getValueType());
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putAllSearchAttributes(missing)
                  .build());
      log.info(
          "Registered search attributes {} in Temporal namespace {}", missing.keySet(), namespace);
    } catch (StatusRuntimeException e) {
      // Another operator replica may have registered them in the meantime.
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    } finally {
      operator.shutdown();
    }
  }
}
