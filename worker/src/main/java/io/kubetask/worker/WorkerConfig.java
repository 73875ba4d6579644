package io.kubetask.worker;

import io.kubetask.workflows.task.ActivitySettings;
import io.kubetask.workflows.temporal.TemporalSettings;
import java.util.Map;

/**
 * The worker's settings, read once from the environment.
 *
 * @param temporal how to reach Temporal
 * @param activities settings of the activities (default agent image, Web UI links)
 * @param workflowCacheSize how many workflows the worker keeps in memory between their steps
 */
public record WorkerConfig(
    TemporalSettings temporal, ActivitySettings activities, int workflowCacheSize) {

  /**
   * A Task's workflow waits for hours between steps of a few milliseconds, and its short history
   * replays in about a millisecond: keeping hundreds of idle workflows in memory (the SDK's default
   * is 600, each with a parked thread) costs more than replaying the few that wake up.
   */
  public static final int DEFAULT_WORKFLOW_CACHE_SIZE = 100;

  public WorkerConfig {
    if (workflowCacheSize < 1) {
      throw new IllegalArgumentException(
          "KUBETASK_WORKFLOW_CACHE_SIZE must be positive: " + workflowCacheSize);
    }
  }

  public static WorkerConfig fromEnv(Map<String, String> env) {
    TemporalSettings temporal = TemporalSettings.fromEnv(env);
    String cache = env.get("KUBETASK_WORKFLOW_CACHE_SIZE");
    int cacheSize;
    try {
      cacheSize =
          cache == null || cache.isBlank()
              ? DEFAULT_WORKFLOW_CACHE_SIZE
              : Integer.parseInt(cache.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "KUBETASK_WORKFLOW_CACHE_SIZE must be a whole number: " + cache, e);
    }
    return new WorkerConfig(
        temporal,
        new ActivitySettings(
            env.getOrDefault("KUBETASK_DEFAULT_AGENT_IMAGE", ActivitySettings.BUILT_IN_AGENT_IMAGE),
            temporal.namespace(),
            env.get("KUBETASK_TEMPORAL_UI_URL")),
        cacheSize);
  }
}
