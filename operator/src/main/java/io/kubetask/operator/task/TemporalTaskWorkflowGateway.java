package io.kubetask.operator.task;

import io.kubetask.operator.temporal.CallDeadline;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.task.TaskRef;
import io.kubetask.workflows.task.TaskWorkflow;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;

/** {@link TaskWorkflowGateway} on a Temporal {@link WorkflowClient}. */
public class TemporalTaskWorkflowGateway implements TaskWorkflowGateway {
  private final WorkflowClient client;
  private final String taskQueue;
  private final SearchAttributeRegistrar searchAttributes;

  public TemporalTaskWorkflowGateway(
      WorkflowClient client, String taskQueue, SearchAttributeRegistrar searchAttributes) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.searchAttributes = searchAttributes;
  }

  @Override
  public void ensureStarted(TaskWorkflowTarget target) {
    CallDeadline.within(
        CallDeadline.CALL,
        () ->
            searchAttributes.retryingUnknown(
                () -> {
                  try {
                    WorkflowClient.start(stub(target)::run, target.ref());
                  } catch (WorkflowExecutionAlreadyStarted e) {
                    // Already running is what we want.
                  }
                }));
  }

  @Override
  public void signal(TaskWorkflowTarget target, Signal signal) {
    CallDeadline.within(CallDeadline.CALL, () -> signalWithStart(target, signal));
  }

  private void signalWithStart(TaskWorkflowTarget target, Signal signal) {
    searchAttributes.retryingUnknown(
        () -> {
          TaskWorkflow workflow = stub(target);
          BatchRequest request = client.newSignalWithStartRequest();
          request.add(workflow::run, target.ref());
          switch (signal.kind()) {
            case JOB_CHANGED -> request.add(workflow::jobChanged);
            case DEPENDENCIES_CHANGED -> request.add(workflow::dependenciesChanged);
            case RELEASE -> request.add(workflow::release);
            case STOP -> request.add(workflow::stop, signal.reason());
            case CONFIG_CHANGED -> request.add(workflow::configChanged);
          }
          client.signalWithStart(request);
        });
  }

  @Override
  public void terminate(TaskRef ref) {
    CallDeadline.within(
        CallDeadline.CALL,
        () -> {
          try {
            client.newUntypedWorkflowStub(ref.workflowId()).terminate("Task deleted");
          } catch (WorkflowNotFoundException e) {
            // Gone or already closed: nothing to end.
          }
        });
  }

  @Override
  public void taskGone(String cronTaskRunWorkflowId) {
    CallDeadline.within(
        CallDeadline.CALL,
        () -> {
          try {
            client.newWorkflowStub(CronTaskRunWorkflow.class, cronTaskRunWorkflowId).taskFinished();
          } catch (WorkflowNotFoundException e) {
            // Gone or closed: its Task ended before.
          }
        });
  }

  private TaskWorkflow stub(TaskWorkflowTarget target) {
    var attributes = io.temporal.common.SearchAttributes.newBuilder();
    attributes.set(SearchAttributes.NAMESPACE, target.ref().namespace());
    attributes.set(SearchAttributes.TASK, target.ref().name());
    if (target.agent() != null) {
      attributes.set(SearchAttributes.AGENT, target.agent());
    }
    if (target.cronTask() != null) {
      attributes.set(SearchAttributes.CRONTASK, target.cronTask());
    }
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(target.ref().workflowId())
            .setTaskQueue(taskQueue)
            // A running workflow is reused; a closed one (failed, terminated) may run again.
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setTypedSearchAttributes(attributes.build())
            // Where this client also hosts a worker on the queue (all-in-one), the server hands a
            // new workflow's first task straight back in the start's response, one round trip
            // through Temporal's matching less. Without a local worker nothing changes.
            .setDisableEagerExecution(false)
            .build();
    return client.newWorkflowStub(TaskWorkflow.class, options);
  }
}
