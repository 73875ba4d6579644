package io.kubetask.operator.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.operator.task.TaskWorkflowGateway.Signal;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.workflows.task.TaskRef;
import io.kubetask.workflows.task.TaskWorkflow;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor.WorkflowStartInput;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor.WorkflowStartOutput;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway on Temporal's in-memory test server, with a workflow that records its signals. */
class TemporalTaskWorkflowGatewayTest {
  private static final String QUEUE = "kubetask-test";

  /** Waits until cancelled or stopped; its signals are readable with a query-free workflow id. */
  public static class RecordingWorkflow implements TaskWorkflow {
    static final List<String> signals = java.util.Collections.synchronizedList(new ArrayList<>());
    private String stopped;

    @Override
    public void run(TaskRef task) {
      Workflow.await(() -> stopped != null);
    }

    @Override
    public void jobChanged() {
      signals.add("jobChanged");
    }

    @Override
    public void dependenciesChanged() {
      signals.add("dependenciesChanged");
    }

    @Override
    public void release() {
      signals.add("release");
    }

    @Override
    public void stop(String reason) {
      signals.add("stop " + reason);
      stopped = reason;
    }

    @Override
    public void configChanged() {
      signals.add("configChanged");
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private TemporalTaskWorkflowGateway gateway;
  private final TaskWorkflowTarget target =
      new TaskWorkflowTarget(new TaskRef("team-a", "review", "uid-1"), "claude", "nightly");

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(RecordingWorkflow.class);
    SearchAttributes.ALL.forEach(
        key -> env.registerSearchAttribute(key.getName(), key.getValueType()));
    env.start();
    client = env.getWorkflowClient();
    gateway = new TemporalTaskWorkflowGateway(client, QUEUE, registrar);
    RecordingWorkflow.signals.clear();
  }

  /**
   * Registration is covered against the dev server: the test server has no ListSearchAttributes,
   * and a start it rejects for an unknown attribute leaves a broken execution behind.
   */
  private final SearchAttributeRegistrar registrar =
      new SearchAttributeRegistrar(null) {
        @Override
        public void register() {
          throw new AssertionError("the attributes are registered");
        }
      };

  @AfterEach
  void stop() {
    env.close();
  }

  private WorkflowExecutionStatus status() {
    return client.newUntypedWorkflowStub(target.ref().workflowId()).describe().getStatus();
  }

  @Test
  void ensureStartedIsIdempotentAndSetsTheSearchAttributes() {
    gateway.ensureStarted(target);
    gateway.ensureStarted(target);

    var description = client.newUntypedWorkflowStub(target.ref().workflowId()).describe();
    assertThat(description.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(description.getWorkflowType()).isEqualTo("Task");
    var attributes = description.getTypedSearchAttributes();
    assertThat(attributes.get(SearchAttributes.NAMESPACE)).isEqualTo("team-a");
    assertThat(attributes.get(SearchAttributes.TASK)).isEqualTo("review");
    assertThat(attributes.get(SearchAttributes.AGENT)).isEqualTo("claude");
    assertThat(attributes.get(SearchAttributes.CRONTASK)).isEqualTo("nightly");
  }

  @Test
  void aNewWorkflowMayStartEagerlyOnAWorkerOfThisProcess() {
    List<Boolean> eagerDisabled = new ArrayList<>();
    WorkflowClient recording =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder()
                .setInterceptors(
                    new WorkflowClientInterceptorBase() {
                      @Override
                      public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
                          WorkflowClientCallsInterceptor next) {
                        return new WorkflowClientCallsInterceptorBase(next) {
                          @Override
                          public WorkflowStartOutput start(WorkflowStartInput input) {
                            eagerDisabled.add(input.getOptions().isDisableEagerExecution());
                            return super.start(input);
                          }
                        };
                      }
                    })
                .build());

    new TemporalTaskWorkflowGateway(recording, QUEUE, registrar).ensureStarted(target);

    assertThat(eagerDisabled).containsExactly(false);
    assertThat(status()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void signalsStartAMissingWorkflowAndReachARunningOne() {
    gateway.signal(target, Signal.DEPENDENCIES_CHANGED);
    gateway.signal(target, Signal.JOB_CHANGED);
    gateway.signal(target, Signal.RELEASE);
    gateway.signal(target, Signal.CONFIG_CHANGED);
    gateway.signal(target, Signal.stop("OverBudget"));

    client.newUntypedWorkflowStub(target.ref().workflowId()).getResult(Void.class);
    assertThat(RecordingWorkflow.signals)
        .containsExactly(
            "dependenciesChanged", "jobChanged", "release", "configChanged", "stop OverBudget");
  }

  @Test
  void aClosedWorkflowIsStartedAgain() {
    gateway.signal(target, Signal.stop("x"));
    client.newUntypedWorkflowStub(target.ref().workflowId()).getResult(Void.class);

    gateway.ensureStarted(target);

    assertThat(status()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void terminateIsDoneWhenTheWorkflowIsGone() {
    gateway.ensureStarted(target);

    gateway.terminate(target.ref());
    gateway.terminate(target.ref());
    gateway.terminate(new TaskRef("team-a", "never", "uid-0"));

    var terminated =
        new TaskWorkflowTarget(new TaskRef("team-a", "terminated", "uid-2"), "default", null);
    gateway.ensureStarted(terminated);
    client.newUntypedWorkflowStub(terminated.ref().workflowId()).terminate("test");
    gateway.terminate(terminated.ref());
  }
}
