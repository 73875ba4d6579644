package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
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

/** How Tasks run: the agent image, its command, credentials, default contexts and placement. */
@Group(Task.GROUP)
@Version(Task.VERSION)
@Kind("Agent")
@Plural("agents")
@Singular("agent")
@ShortNames({"kta", "ktagent"})
@Categories("kubetask")
// The kind's description for kubectl explain; the kind has no status, so no status field.
@SchemaCustomizer(
    value = DeepMerge.class,
    input =
        """
        {"description": "How Tasks run: the agent image, its command, credentials, default \
        contexts and pod placement. Tasks name it in agentRef; the Agent named default serves \
        the others.",
         "properties": {"status": null}}
        """)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.agentImage")
@AdditionalPrinterColumn(name = "Start Timeout", jsonPath = ".spec.startTimeout")
@AdditionalPrinterColumn(name = "Timeout", jsonPath = ".spec.timeout")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Agent extends CustomResource<AgentSpec, Void> implements Namespaced {
  /** The Agent a Task uses when it names none. */
  public static final String DEFAULT_NAME = "default";

  public Agent() {}

  public Agent(String namespace, String name, AgentSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }

  @Override
  @Required
  @JsonPropertyDescription("The agent configuration.")
  public AgentSpec getSpec() {
    return super.getSpec();
  }

  @Override
  protected AgentSpec initSpec() {
    return null;
  }
}
