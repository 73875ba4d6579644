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

/** Creates Tasks on a cron schedule, like a CronJob creates Jobs. */
@Group(Task.GROUP)
@Version(Task.VERSION)
@Kind("CronTask")
@Plural("crontasks")
@Singular("crontask")
@ShortNames({"kct", "kcrontask"})
@Categories("kubetask")
// The kind's description for kubectl explain.
@SchemaCustomizer(
    value = DeepMerge.class,
    input =
        """
        {"description": "Creates Tasks on a cron schedule, like a CronJob creates Jobs."}
        """)
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule")
@AdditionalPrinterColumn(name = "Suspend", jsonPath = ".spec.suspend", type = Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Active", jsonPath = ".status.activeCount", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Last Schedule",
    jsonPath = ".status.lastScheduleTime",
    type = Type.DATE)
@AdditionalPrinterColumn(name = "Last Fire", jsonPath = ".status.lastFire.reason")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@ValidationRule(
    value = "self.metadata.name.size() <= 63",
    message =
        "CronTask names are at most 63 characters: the name is the value of the"
            + " kubetask.io/crontask label on its Tasks")
public class CronTask extends CustomResource<CronTaskSpec, CronTaskStatus> implements Namespaced {

  public CronTask() {}

  public CronTask(String namespace, String name, CronTaskSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }

  @Override
  @Required
  @JsonPropertyDescription("When to create Tasks and what they look like.")
  public CronTaskSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What KubeTask observed of this CronTask and its Schedule.")
  public CronTaskStatus getStatus() {
    return super.getStatus();
  }

  @Override
  protected CronTaskSpec initSpec() {
    return null;
  }

  @Override
  protected CronTaskStatus initStatus() {
    return null;
  }
}
