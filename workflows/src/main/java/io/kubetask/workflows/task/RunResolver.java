package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Approval;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.ConfigMapKeySelector;
import io.kubetask.api.v1alpha1.ConfigMapReference;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.FileSource;
import io.kubetask.api.v1alpha1.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a Task into an {@link AgentRun}: resolves its Agent and reads its context contents. */
final class RunResolver {

  /** Either a run, or why there is none yet (blocked) or ever (invalid). */
  record Resolution(
      AgentRun run,
      String reason,
      String message,
      boolean blocked,
      Integer agentLimit,
      Approval approval) {
    static Resolution ready(AgentRun run, Integer agentLimit, Approval approval) {
      return new Resolution(run, null, null, false, agentLimit, approval);
    }

    static Resolution blocked(String reason, String message) {
      return new Resolution(null, reason, message, true, null, null);
    }

    static Resolution invalid(String reason, String message) {
      return new Resolution(null, reason, message, false, null, null);
    }
  }

  private final KubernetesClient client;
  private final ActivitySettings settings;

  RunResolver(KubernetesClient client, ActivitySettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** The Agent of this name in the namespace, or null when there is none. */
  Agent agent(String namespace, String name) {
    return client.resources(Agent.class).inNamespace(namespace).withName(name).get();
  }

  /**
   * @param agent the Agent the Task names, as just read ({@link #agent}), or null when it has none
   */
  Resolution resolve(Task task, TaskRef ref, Agent agent) {
    String ns = ref.namespace();
    String agentName = task.getSpec().agentName();
    AgentSpec spec;
    if (agent != null) {
      spec = agent.getSpec();
    } else if (task.getSpec().agentRef() == null || task.getSpec().agentRef().isEmpty()) {
      // No Agent named "default": the seed's built-in agent under the default ServiceAccount.
      spec = new AgentSpec(null, null, null, null, null, null, null, "default");
    } else {
      return Resolution.blocked(
          Conditions.AGENT_NOT_FOUND,
          "Agent \""
              + agentName
              + "\" not found in namespace \""
              + ns
              + "\"; the Task starts when it exists.");
    }

    List<ContextFile> files = new ArrayList<>();
    List<ContextDir> dirs = new ArrayList<>();
    Map<String, Optional<ConfigMap>> configMaps = new HashMap<>();
    for (Context c : Contexts.merge(spec.defaultContexts(), task.getSpec().contexts())) {
      FileSource source = c.file().source();
      if (c.file().dirPath() != null) {
        ConfigMapReference ref2 = source.configMapRef();
        if (!ref2.isOptional() && configMap(configMaps, ns, ref2.name()).isEmpty()) {
          return Resolution.blocked(
              Conditions.CONTEXT_NOT_FOUND,
              "ConfigMap \""
                  + ref2.name()
                  + "\" (context "
                  + c.path()
                  + ") not found in namespace \""
                  + ns
                  + "\"; the Task starts when it exists.");
        }
        dirs.add(new ContextDir(c.path(), ref2.name(), ref2.isOptional()));
      } else if (source.inline() != null) {
        files.add(ContextFile.text(c.path(), source.inline()));
      } else {
        ConfigMapKeySelector sel = source.configMapKeyRef();
        Optional<ConfigMap> cm = configMap(configMaps, ns, sel.name());
        String text =
            cm.map(m -> m.getData() == null ? null : m.getData().get(sel.key())).orElse(null);
        String binary =
            cm.map(m -> m.getBinaryData() == null ? null : m.getBinaryData().get(sel.key()))
                .orElse(null);
        if (text == null && binary == null) {
          if (sel.isOptional()) {
            continue;
          }
          String what =
              cm.isEmpty()
                  ? "ConfigMap \"" + sel.name() + "\""
                  : "Key \"" + sel.key() + "\" of ConfigMap \"" + sel.name() + "\"";
          return Resolution.blocked(
              Conditions.CONTEXT_NOT_FOUND,
              what
                  + " (context "
                  + c.path()
                  + ") not found in namespace \""
                  + ns
                  + "\"; the Task starts when it exists.");
        }
        files.add(new ContextFile(c.path(), text, text == null ? binary : null));
      }
    }

    long size = TaskConfigMaps.size(files);
    if (size > TaskConfigMaps.MAX_BYTES) {
      return Resolution.invalid(
          Conditions.CONTEXT_TOO_LARGE,
          "The context files take "
              + size
              + " bytes, more than the "
              + TaskConfigMaps.MAX_BYTES
              + " a ConfigMap can hold. Mount large content with dirPath and configMapRef"
              + " instead.");
    }
    int keepAlive =
        spec.humanInTheLoopEnabled() && spec.command() != null && !spec.command().isEmpty()
            ? spec.humanInTheLoop().keepAliveOrDefault()
            : 0;
    String image =
        spec.agentImage() == null || spec.agentImage().isBlank()
            ? settings.defaultAgentImage()
            : spec.agentImage();
    RunLimits limits;
    try {
      limits = RunLimits.of(task.getSpec(), spec);
    } catch (IllegalArgumentException e) {
      return Resolution.invalid(Conditions.INVALID_SPEC, e.getMessage() + ".");
    }
    AgentRun run =
        new AgentRun(
            ref,
            image,
            spec.command(),
            keepAlive,
            spec.credentials(),
            spec.podLabels(),
            spec.scheduling(),
            spec.serviceAccountName(),
            files,
            dirs,
            limits,
            spec.podSecurityContext(),
            spec.securityContext(),
            spec.infrastructureRetriesOrDefault(),
            spec.resultSchema());
    Optional<String> conflict = TaskJobs.mountConflict(run);
    if (conflict.isPresent()) {
      return Resolution.invalid(Conditions.INVALID_CONTEXT, conflict.get() + ".");
    }
    // The Task's own approval setting wins over its Agent's.
    Approval approval =
        task.getSpec().approval() != null ? task.getSpec().approval() : spec.approval();
    return Resolution.ready(run, spec.maxConcurrentTasks(), approval);
  }

  private Optional<ConfigMap> configMap(
      Map<String, Optional<ConfigMap>> cache, String ns, String name) {
    return cache.computeIfAbsent(
        name, n -> Optional.ofNullable(client.configMaps().inNamespace(ns).withName(n).get()));
  }
}
