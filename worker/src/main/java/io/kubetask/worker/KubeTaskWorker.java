package io.kubetask.worker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubetask.workflows.activity.CronTaskActivitiesImpl;
import io.kubetask.workflows.activity.TaskActivitiesImpl;
import io.kubetask.workflows.crontask.CronTaskRunWorkflowImpl;
import io.kubetask.workflows.task.TaskWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Temporal worker: runs KubeTask's workflows and the activities that touch the cluster. */
public final class KubeTaskWorker {
  private static final Logger log = LoggerFactory.getLogger(KubeTaskWorker.class);

  private KubeTaskWorker() {}

  /** A started-on-demand worker factory with every KubeTask workflow and activity registered. */
  public static WorkerFactory create(
      KubernetesClient kubernetes, WorkflowClient temporal, WorkerConfig config) {
    WorkerFactory factory = WorkerFactory.newInstance(temporal);
    Worker worker = factory.newWorker(config.temporal().taskQueue());
    worker.registerWorkflowImplementationTypes(TaskWorkflowImpl.class, CronTaskRunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new TaskActivitiesImpl(kubernetes, config.activities(), Clock.systemUTC()),
        new CronTaskActivitiesImpl(kubernetes, Clock.systemUTC()));
    return factory;
  }

  public static void main(String[] args) {
    WorkerConfig config = WorkerConfig.fromEnv(System.getenv());
    KubernetesClient kubernetes = new KubernetesClientBuilder().build();
    WorkflowServiceStubs stubs = config.temporal().connect();
    WorkerFactory factory = create(kubernetes, config.temporal().client(stubs), config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  factory.shutdown();
                  stubs.shutdown();
                  kubernetes.close();
                }));
    factory.start();
    log.info(
        "KubeTask worker polling task queue {} at {} (namespace {})",
        config.temporal().taskQueue(),
        config.temporal().address(),
        config.temporal().namespace());
  }
}
