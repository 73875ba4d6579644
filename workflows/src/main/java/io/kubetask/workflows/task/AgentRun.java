package io.kubetask.workflows.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.PodScheduling;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to build a Task's ConfigMap and Job, resolved from the Task, its Agent and its
 * contexts. Built by the start activity, consumed by the pure builders.
 *
 * @param task the owning Task
 * @param image the agent image
 * @param command the agent argv, or null for the image's entrypoint
 * @param keepAliveSeconds the human-in-the-loop window, or 0 when off
 * @param credentials Secret keys as env vars and/or files
 * @param podLabels the Agent's pod labels
 * @param scheduling node selector, tolerations, affinity (may be null)
 * @param serviceAccountName the pod's ServiceAccount
 * @param files files copied into the context ConfigMap, sorted by path
 * @param dirs ConfigMaps mounted as directories, sorted by path
 * @param limits how long the agent may take to start and to run
 * @param podSecurityContext the pod's security context (may be null)
 * @param securityContext the agent container's security context (may be null)
 * @param infrastructureRetries how many times a disrupted pod is replaced
 * @param resultSchema the JSON Schema the agent's result must match, or null
 */
public record AgentRun(
    TaskRef task,
    String image,
    List<String> command,
    int keepAliveSeconds,
    List<Credential> credentials,
    Map<String, String> podLabels,
    PodScheduling scheduling,
    String serviceAccountName,
    List<ContextFile> files,
    List<ContextDir> dirs,
    RunLimits limits,
    PodSecurityContext podSecurityContext,
    SecurityContext securityContext,
    int infrastructureRetries,
    JsonNode resultSchema) {

  public AgentRun {
    limits = limits == null ? RunLimits.DEFAULT : limits;
    command = command == null || command.isEmpty() ? null : List.copyOf(command);
    credentials = credentials == null ? List.of() : List.copyOf(credentials);
    podLabels = podLabels == null ? Map.of() : Map.copyOf(podLabels);
    files = List.copyOf(files);
    dirs = List.copyOf(dirs);
  }

  /** Name of the Job and of the context ConfigMap. */
  public String objectName() {
    return TaskNames.objectName(task.name(), task.uid());
  }

  public boolean keepAlive() {
    return keepAliveSeconds > 0;
  }

  /** Whether the agent container's root filesystem is read-only. */
  public boolean readOnlyRootFilesystem() {
    return securityContext != null
        && Boolean.TRUE.equals(securityContext.getReadOnlyRootFilesystem());
  }
}
