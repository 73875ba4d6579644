package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
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

/** Settings for the Tasks of a namespace. KubeTask reads the one named {@code default}. */
@Group(Task.GROUP)
@Version(Task.VERSION)
@Kind("KubeTaskConfig")
@Plural("kubetaskconfigs")
@Singular("kubetaskconfig")
@ShortNames({"ktc", "ktconfig"})
@Categories("kubetask")
// The kind's description for kubectl explain; the kind has no status, so no status field.
@SchemaCustomizer(
    value = DeepMerge.class,
    input =
        """
        {"description": "Settings for the Tasks of a namespace, such as how long finished Tasks \
        are kept. KubeTask reads the one named default.",
         "properties": {"status": null}}
        """)
@AdditionalPrinterColumn(
    name = "TTL",
    jsonPath = ".spec.taskLifecycle.ttlSecondsAfterFinished",
    type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class KubeTaskConfig extends CustomResource<KubeTaskConfigSpec, Void> implements Namespaced {
  /** The name KubeTask looks up in a Task's namespace. */
  public static final String DEFAULT_NAME = "default";

  public KubeTaskConfig() {}

  public KubeTaskConfig(String namespace, String name, KubeTaskConfigSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }

  @Override
  @JsonPropertyDescription("Settings for the Tasks of this namespace.")
  public KubeTaskConfigSpec getSpec() {
    return super.getSpec();
  }

  @Override
  protected KubeTaskConfigSpec initSpec() {
    return null;
  }
}
