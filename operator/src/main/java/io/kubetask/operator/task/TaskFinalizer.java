package io.kubetask.operator.task;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.ReconcilerUtils;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.kubetask.api.v1alpha1.Task;
import java.net.HttpURLConnection;

/**
 * The operator's finalizer on Tasks, put on and taken off with a JSON patch of the Task's
 * finalizers alone. Its name is the one JOSDK gives Tasks, which the operator has always used, so
 * Tasks that carry it from an earlier release are still cleaned up and released.
 */
public final class TaskFinalizer implements TaskReconciler.Finalizers {
  public static final String NAME = ReconcilerUtils.getDefaultFinalizerName(Task.class);

  @Override
  public void add(Task task, Context<Task> context) {
    unlessGone(() -> PrimaryUpdateAndCacheUtils.addFinalizer(context.getClient(), task, NAME));
  }

  @Override
  public void remove(Task task, Context<Task> context) {
    unlessGone(() -> PrimaryUpdateAndCacheUtils.removeFinalizer(context.getClient(), task, NAME));
  }

  /** A Task deleted meanwhile needs no finalizer: its deletion comes to the reconciler next. */
  private static void unlessGone(Runnable patch) {
    try {
      patch.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }
}
