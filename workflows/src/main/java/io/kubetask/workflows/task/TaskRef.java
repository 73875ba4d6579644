package io.kubetask.workflows.task;

/**
 * The input of a Task workflow: which Task it drives. Deliberately small and stable: the workflow
 * reads everything else from the cluster through activities, so the CRD schema never becomes the
 * history schema.
 */
public record TaskRef(String namespace, String name, String uid) {

  /** The workflow id: one workflow per Task object (a re-created Task gets a new uid). */
  public String workflowId() {
    return "task/" + namespace + "/" + name + "/" + uid;
  }
}
