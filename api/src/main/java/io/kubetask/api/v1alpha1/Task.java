package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kubetask.crd.DeepMerge;

/** One run of an AI agent as a Kubernetes Job. */
@Group(Task.GROUP)
@Version(Task.VERSION)
@Kind("Task")
@Plural("tasks")
@Singular("task")
@ShortNames({"kt", "ktask"})
@Categories("kubetask")
// The kind's description for kubectl explain.
@SchemaCustomizer(
    value = DeepMerge.class,
    input =
        """
        {"description": "One run of an AI agent as a Kubernetes Job: the files it works on \
        (contexts) and the Agent that runs it. The spec is immutable."}
        """)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
// Queue: the place of a Queued Task in its queue.
@AdditionalPrinterColumn(name = "Queue", jsonPath = ".status.queuePosition", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agentRef")
@AdditionalPrinterColumn(name = "Job", jsonPath = ".status.jobName")
// Reason: what the pod does while the Task runs, then its outcome.
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Succeeded\")].reason")
@AdditionalPrinterColumn(name = "Result", jsonPath = ".status.result.summary", priority = 0)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@ValidationRule(
    value = "self.spec == oldSelf.spec",
    message = "Task spec is immutable: create a new Task to run with other inputs",
    reason = "FieldValueForbidden",
    fieldPath = ".spec")
public class Task extends CustomResource<TaskSpec, TaskStatus> implements Namespaced {
  public static final String GROUP = "kubetask.io";
  public static final String VERSION = "v1alpha1";

  public Task() {}

  public Task(String namespace, String name, TaskSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }

  @Override
  @Required
  @JsonPropertyDescription("What the Task works on and which Agent runs it. Immutable.")
  public TaskSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What KubeTask observed of this Task.")
  public TaskStatus getStatus() {
    return super.getStatus();
  }

  @Override
  protected TaskSpec initSpec() {
    return null;
  }

  @Override
  protected TaskStatus initStatus() {
    return null;
  }
}
