package io.kubetask.worker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.workflows.crontask.CronTaskActivitiesImpl;
import io.kubetask.workflows.crontask.CronTaskRunWorkflowImpl;
import io.kubetask.workflows.support.ActivityMetrics;
import io.kubetask.workflows.task.TaskActivitiesImpl;
import io.kubetask.workflows.task.TaskWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Clock;

/**
 * The Temporal worker: runs KubeTask's workflows and the activities that touch the cluster. The
 * process that runs it is {@code io.kubetask.app.KubeTask} (module {@code app}).
 */
public final class KubeTaskWorker {
  private KubeTaskWorker() {}

  /** A started-on-demand worker factory with every KubeTask workflow and activity registered. */
  public static WorkerFactory create(
      KubernetesClient kubernetes, WorkflowClient temporal, WorkerConfig config) {
    return create(kubernetes, temporal, config, ActivityMetrics.NONE);
  }

  /**
   * A started-on-demand worker factory with every KubeTask workflow and activity registered.
   *
   * @param metrics what the activities report (see {@link WorkerMetrics})
   */
  public static WorkerFactory create(
      KubernetesClient kubernetes,
      WorkflowClient temporal,
      WorkerConfig config,
      ActivityMetrics metrics) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            temporal,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new ResourceLoggingInterceptor())
                .setWorkflowCacheSize(config.workflowCacheSize())
                .build());
    Worker worker = factory.newWorker(config.temporal().taskQueue());
    worker.registerWorkflowImplementationTypes(
        TaskWorkflowImpl.class, CronTaskRunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new TaskActivitiesImpl(kubernetes, config.activities(), Clock.systemUTC(), metrics),
        new CronTaskActivitiesImpl(kubernetes, Clock.systemUTC(), metrics));
    return factory;
  }
}
