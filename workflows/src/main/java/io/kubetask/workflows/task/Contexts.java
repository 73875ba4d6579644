package io.kubetask.workflows.task;

import io.kubetask.api.v1alpha1.Context;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges an Agent's default contexts with a Task's contexts. */
public final class Contexts {
  private Contexts() {}

  /**
   * Agent defaults first, then the Task's contexts; on the same path the Task's context replaces
   * the default. The result is sorted by path so builds are reproducible and a directory is always
   * mounted before a file placed inside it.
   */
  public static List<Context> merge(List<Context> agentDefaults, List<Context> taskContexts) {
    Map<String, Context> byPath = new LinkedHashMap<>();
    for (List<Context> layer : List.of(nullToEmpty(agentDefaults), nullToEmpty(taskContexts))) {
      for (Context c : layer) {
        if (c.path() != null) {
          byPath.put(c.path(), c);
        }
      }
    }
    return byPath.values().stream().sorted(Comparator.comparing(Context::path)).toList();
  }

  private static List<Context> nullToEmpty(List<Context> list) {
    return list == null ? List.of() : list;
  }
}
