package io.kubetask.api.schema;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.KubeTaskConfig;
import io.kubetask.api.v1alpha1.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Finishes the CRDs that fabric8's generator writes, as a build step: it keeps printer columns in
 * the order the classes declare them (the generator sorts them by JSON path) and drops the
 * duplicate CEL rules that appear because a record component's annotation lands on both its field
 * and its accessor. With a second argument it also copies the result to that directory ({@code
 * deploy/crds}).
 */
public final class CrdFinisher {
  private static final List<Class<?>> KINDS =
      List.of(Task.class, CronTask.class, Agent.class, KubeTaskConfig.class);

  private CrdFinisher() {}

  public static void main(String[] args) throws IOException {
    Path generated = Path.of(args[0]);
    for (Class<?> kind : KINDS) {
      String name = crdName(kind);
      Path file = generated.resolve(name + "-v1.yml");
      CustomResourceDefinition crd =
          Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      finish(crd, kind);
      String yaml = Serialization.asYaml(crd);
      Files.writeString(file, yaml);
      if (args.length > 1 && args[1] != null && !args[1].isBlank()) {
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".yaml"), yaml);
      }
    }
  }

  /** The CRD name of a kind, e.g. {@code tasks.kubetask.io}. */
  public static String crdName(Class<?> kind) {
    return io.fabric8.kubernetes.api.model.HasMetadata.getFullResourceName(kind);
  }

  static void finish(CustomResourceDefinition crd, Class<?> kind) {
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns =
          new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
      version.setAdditionalPrinterColumns(columns);
      dedupe(version.getSchema().getOpenAPIV3Schema());
    }
  }

  private static void dedupe(JSONSchemaProps props) {
    if (props == null) {
      return;
    }
    List<ValidationRule> rules = props.getXKubernetesValidations();
    if (rules != null && !rules.isEmpty()) {
      props.setXKubernetesValidations(new ArrayList<>(new LinkedHashSet<>(rules)));
    }
    if (props.getProperties() != null) {
      props.getProperties().values().forEach(CrdFinisher::dedupe);
    }
    if (props.getItems() != null) {
      dedupe(props.getItems().getSchema());
    }
    if (props.getAdditionalProperties() != null) {
      dedupe(props.getAdditionalProperties().getSchema());
    }
  }
}
