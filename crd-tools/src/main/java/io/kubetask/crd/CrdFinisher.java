package io.kubetask.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Finishes the CRDs that fabric8's generator writes, as a build step of the model module: it keeps
 * printer columns in the order the classes declare them (the generator sorts them by JSON path) and
 * drops the duplicate CEL rules that appear because a record component's annotation lands on both
 * its field and its accessor. It runs on the model's build class path and is not part of any
 * runtime artifact.
 *
 * <p>Arguments: the generator's output folder, {@code --copy-to=<folder>} (where to copy the
 * finished CRDs, e.g. {@code deploy/crds}; nothing after the {@code =} for nowhere), then the class
 * name of each kind.
 */
public final class CrdFinisher {
  private CrdFinisher() {}

  public static void main(String[] args) throws IOException, ClassNotFoundException {
    Path generated = Path.of(args[0]);
    String copyTo = args[1].substring(args[1].indexOf('=') + 1);
    for (String className : Arrays.asList(args).subList(2, args.length)) {
      Class<?> kind = Class.forName(className);
      String name = crdName(kind);
      Path file = generated.resolve(name + "-v1.yml");
      CustomResourceDefinition crd =
          Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      finish(crd, kind);
      String yaml = Serialization.asYaml(crd);
      Files.writeString(file, yaml);
      if (!copyTo.isBlank()) {
        Path out = Path.of(copyTo);
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
