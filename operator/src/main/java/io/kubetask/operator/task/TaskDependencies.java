package io.kubetask.operator.task;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.FileSource;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.workflows.k8s.ConditionLists;
import io.kubetask.workflows.task.Contexts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether what a blocked Task waits for has appeared, as the operator's caches see it. Only then is
 * its workflow told: a Task waiting for a missing Agent costs nothing while unrelated ConfigMaps
 * change, and a resync of a blocked Task signals nothing. The workflow's own re-check still covers
 * a cache that missed a change.
 */
final class TaskDependencies {
  /** The Agents and ConfigMaps the operator's caches hold (ConfigMaps with keys, no values). */
  interface Cache {
    Optional<Agent> agent(String namespace, String name);

    Optional<ConfigMap> configMap(String namespace, String name);
  }

  private TaskDependencies() {}

  /**
   * Whether the Agent or ConfigMap a blocked Task waits for now exists: its workflow should look
   * again. False for a Task that waits for nothing.
   */
  static boolean appeared(Task task, Cache cache) {
    String reason =
        ConditionLists.find(
                task.getStatus() == null ? null : task.getStatus().conditions(), Conditions.READY)
            .map(c -> c.getReason())
            .orElse(null);
    String namespace = task.getMetadata().getNamespace();
    String agentName = task.getSpec().agentName();
    Optional<Agent> agent = cache.agent(namespace, agentName);
    if (Conditions.AGENT_NOT_FOUND.equals(reason)) {
      return agent.isPresent();
    }
    if (!Conditions.CONTEXT_NOT_FOUND.equals(reason)) {
      return false;
    }
    if (agent.isEmpty()
        && task.getSpec().agentRef() != null
        && !task.getSpec().agentRef().isEmpty()) {
      return true; // Its Agent went meanwhile: the workflow says so instead.
    }
    List<Context> defaults =
        agent.map(a -> a.getSpec() == null ? null : a.getSpec().defaultContexts()).orElse(null);
    return Contexts.merge(defaults, task.getSpec().contexts()).stream()
        .allMatch(c -> present(c, namespace, cache));
  }

  /** Whether a context's ConfigMap (and key) exists, or it may be missing. */
  private static boolean present(Context context, String namespace, Cache cache) {
    FileSource source = context.file() == null ? null : context.file().source();
    if (source == null || source.inline() != null) {
      return true;
    }
    if (source.configMapRef() != null) {
      return source.configMapRef().isOptional()
          || cache.configMap(namespace, source.configMapRef().name()).isPresent();
    }
    var selector = source.configMapKeyRef();
    if (selector == null || selector.isOptional()) {
      return true;
    }
    return cache
        .configMap(namespace, selector.name())
        .map(cm -> has(cm.getData(), selector.key()) || has(cm.getBinaryData(), selector.key()))
        .orElse(false);
  }

  private static boolean has(Map<String, String> data, String key) {
    return data != null && data.containsKey(key);
  }
}
