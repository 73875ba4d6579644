package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the ConfigMap that holds a Task's context files. */
public final class TaskConfigMaps {
  /** What the API server accepts in one ConfigMap: keys plus values. */
  public static final long MAX_BYTES = 1024 * 1024;

  private TaskConfigMaps() {}

  /** The key of the i-th file: an injective name, independent of the path's characters. */
  public static String key(int index) {
    return "file-" + index;
  }

  /** The ConfigMap, or null when the run has no files. */
  public static ConfigMap desired(AgentRun run) {
    List<ContextFile> files = run.files();
    if (files.isEmpty()) {
      return null;
    }
    Map<String, String> data = new LinkedHashMap<>();
    Map<String, String> binaryData = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      ContextFile f = files.get(i);
      if (f.binary() != null) {
        binaryData.put(key(i), f.binary());
      } else {
        data.put(key(i), f.text() == null ? "" : f.text());
      }
    }
    return new ConfigMapBuilder()
        .withMetadata(TaskObjects.metadata(run))
        .withData(data.isEmpty() ? null : data)
        .withBinaryData(binaryData.isEmpty() ? null : binaryData)
        .withImmutable(true)
        .build();
  }

  /** The bytes the files take in the ConfigMap, as the API server counts them. */
  public static long size(List<ContextFile> files) {
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      total += key(i).getBytes(StandardCharsets.UTF_8).length + files.get(i).size();
    }
    return total;
  }
}
