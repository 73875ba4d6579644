package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Job controller's FailedCreate Events, by Job: why a Job has no pod (Pod Security admission, a
 * ResourceQuota, a missing ServiceAccount).
 */
public interface FailedCreates {

  /** The FailedCreate Events of this Job, if any. */
  List<Event> of(Job job);

  /**
   * Asks the API server each time. Events are not in the API server's watch cache: such a query
   * reads every Event of the namespace from etcd, which with thousands of Tasks took seconds.
   */
  static FailedCreates listing(KubernetesClient client) {
    return job ->
        client
            .v1()
            .events()
            .inNamespace(job.getMetadata().getNamespace())
            .withField("involvedObject.uid", job.getMetadata().getUid())
            .withField("reason", AgentProgress.JOB_FAILED_CREATE)
            .list()
            .getItems()
            .stream()
            .filter(e -> job.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
            .toList();
  }

  /**
   * Keeps them from one watch of FailedCreate Events of Jobs, in every namespace (the operator
   * watches the same, to tell a Task's workflow): a look at a Job without a pod costs nothing.
   * Returns once the Events that exist are known.
   */
  static Watched watching(KubernetesClient client) {
    SharedIndexInformer<Event> informer =
        client
            .v1()
            .events()
            .inAnyNamespace()
            .withField("involvedObject.kind", "Job")
            .withField("reason", AgentProgress.JOB_FAILED_CREATE)
            .runnableInformer(0);
    informer.addIndexers(Map.of(Watched.BY_JOB, e -> List.of(e.getInvolvedObject().getUid())));
    try {
      informer.start().toCompletableFuture().get(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      informer.close();
      throw new IllegalStateException("Interrupted while watching FailedCreate Events", e);
    } catch (ExecutionException | TimeoutException e) {
      informer.close();
      throw new IllegalStateException(
          "Cannot watch the FailedCreate Events of Jobs (the worker needs list and watch on"
              + " events): "
              + e.getMessage(),
          e);
    }
    return new Watched(informer);
  }

  /** {@link #watching}: the Events as the watch has them; close to stop watching. */
  final class Watched implements FailedCreates, AutoCloseable {
    private static final String BY_JOB = "job-uid";
    private final SharedIndexInformer<Event> informer;

    private Watched(SharedIndexInformer<Event> informer) {
      this.informer = informer;
    }

    @Override
    public List<Event> of(Job job) {
      return informer.getIndexer().byIndex(BY_JOB, job.getMetadata().getUid());
    }

    @Override
    public void close() {
      informer.close();
    }
  }
}
