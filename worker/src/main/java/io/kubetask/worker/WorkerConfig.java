package io.kubetask.worker;

import io.kubetask.workflows.task.ActivitySettings;
import io.kubetask.workflows.temporal.TemporalSettings;
import java.util.Map;

/**
 * The worker's settings, read once from the environment.
 *
 * @param temporal how to reach Temporal
 * @param activities settings of the activities (default agent image, Web UI links)
 */
public record WorkerConfig(TemporalSettings temporal, ActivitySettings activities) {

  public static WorkerConfig fromEnv(Map<String, String> env) {
    TemporalSettings temporal = TemporalSettings.fromEnv(env);
    return new WorkerConfig(
        temporal,
        new ActivitySettings(
            env.getOrDefault("KUBETASK_DEFAULT_AGENT_IMAGE", ActivitySettings.BUILT_IN_AGENT_IMAGE),
            temporal.namespace(),
            env.get("KUBETASK_TEMPORAL_UI_URL")));
  }
}
