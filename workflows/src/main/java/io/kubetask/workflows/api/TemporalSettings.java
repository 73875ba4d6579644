package io.kubetask.workflows.api;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.Map;

/**
 * How the operator and the worker reach Temporal, read once from the environment.
 *
 * @param address host:port of the Temporal frontend ({@code TEMPORAL_ADDRESS})
 * @param namespace the Temporal namespace ({@code TEMPORAL_NAMESPACE})
 * @param taskQueue the task queue of the worker ({@code KUBETASK_TASK_QUEUE})
 */
public record TemporalSettings(String address, String namespace, String taskQueue) {

  public static TemporalSettings fromEnv(Map<String, String> env) {
    return new TemporalSettings(
        env.getOrDefault("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
        env.getOrDefault("TEMPORAL_NAMESPACE", "default"),
        env.getOrDefault("KUBETASK_TASK_QUEUE", TaskQueues.DEFAULT));
  }

  public WorkflowServiceStubs connect() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
  }

  public WorkflowClient client(WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }
}
