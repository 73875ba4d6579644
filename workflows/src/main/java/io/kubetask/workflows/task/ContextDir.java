package io.kubetask.workflows.task;

/**
 * A whole ConfigMap mounted as a directory.
 *
 * @param path the directory in the agent container
 * @param configMap the ConfigMap in the Task's namespace
 * @param optional whether the pod may start without it
 */
public record ContextDir(String path, String configMap, boolean optional) {}
