package io.kubetask.worker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.workflows.crontask.CronTaskActivitiesImpl;
import io.kubetask.workflows.crontask.CronTaskRunWorkflowImpl;
import io.kubetask.workflows.support.ActivityMetrics;
import io.kubetask.workflows.task.FailedCreates;
import io.kubetask.workflows.task.TaskActivitiesImpl;
import io.kubetask.workflows.task.TaskWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;

/**
 * The Temporal worker: runs KubeTask's workflows and the activities that touch the cluster. The
 * process that runs it is {@code io.kubetask.app.KubeTask} (module {@code app}).
 */
public final class KubeTaskWorker {
  /**
   * Activities that run at once. Each makes its Kubernetes calls one after the other over the
   * client's one HTTP/2 connection, and the JDK's HTTP client fails a request ("too many concurrent
   * streams") rather than queue it once the API server's stream limit (100 or more) is reached: the
   * SDK's default of 200 local activities did, in a burst of 1,000 Tasks, over a thousand times,
   * each failure retried after a back-off. A few dozen calls in flight keep an API server busy;
   * more only queue there.
   */
  static final int MAX_LOCAL_ACTIVITIES = 32;

  static final int MAX_ACTIVITIES = 16;

  /**
   * Workflow tasks taken at once: no more than can run their local activities. A workflow task
   * taken and then left waiting for an activity slot times out on the server after 10 s and is
   * handed out again (hundreds of times in a burst of 1,000 Tasks with the SDK's 200); one not yet
   * taken waits in Temporal's queue at no cost.
   */
  static final int MAX_WORKFLOW_TASKS = MAX_LOCAL_ACTIVITIES;

  private KubeTaskWorker() {}

  /**
   * A started-on-demand worker factory with every KubeTask workflow and activity registered.
   *
   * @param metrics what the activities report (see {@link WorkerMetrics})
   * @param failedCreates where a Job's FailedCreate Events are found ({@link
   *     FailedCreates#watching} in a worker process)
   */
  public static WorkerFactory create(
      KubernetesClient kubernetes,
      WorkflowClient temporal,
      WorkerConfig config,
      ActivityMetrics metrics,
      FailedCreates failedCreates) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            temporal,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new ResourceLoggingInterceptor())
                .setWorkflowCacheSize(config.workflowCacheSize())
                .build());
    Worker worker =
        factory.newWorker(
            config.temporal().taskQueue(),
            WorkerOptions.newBuilder()
                .setMaxConcurrentWorkflowTaskExecutionSize(MAX_WORKFLOW_TASKS)
                .setMaxConcurrentLocalActivityExecutionSize(MAX_LOCAL_ACTIVITIES)
                .setMaxConcurrentActivityExecutionSize(MAX_ACTIVITIES)
                .build());
    worker.registerWorkflowImplementationTypes(
        TaskWorkflowImpl.class, CronTaskRunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new TaskActivitiesImpl(
            kubernetes, config.activities(), Clock.systemUTC(), metrics, failedCreates),
        new CronTaskActivitiesImpl(kubernetes, Clock.systemUTC(), metrics));
    return factory;
  }
}
