package io.kubetask.api;

/** Labels that KubeTask puts on the objects it creates. */
public final class KubeTaskLabels {
  /** Compatibility label of the first implementation: {@code app=kubetask}. */
  public static final String APP = "app";

  public static final String APP_VALUE = "kubetask";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "kubetask";

  /** The Task name (shortened with a hash when it exceeds 63 characters). */
  public static final String TASK = "kubetask.io/task";

  public static final String TASK_UID = "kubetask.io/task-uid";

  /** On Tasks created by a CronTask: the CronTask name. */
  public static final String CRONTASK = "kubetask.io/crontask";

  private KubeTaskLabels() {}
}
