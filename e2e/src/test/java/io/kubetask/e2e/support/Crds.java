package io.kubetask.e2e.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The CRDs of this checkout ({@code deploy/crds/*.yaml}) on the stack's API server. */
public final class Crds {
  /** Field manager of everything the e2e support applies. */
  public static final String FIELD_MANAGER = "kubetask-e2e";

  private static final long ESTABLISH_TIMEOUT_SECONDS = 60;

  private final KubernetesClient client;
  private final Path dir;
  private boolean applied;

  Crds(KubernetesClient client, Path dir) {
    this.client = client;
    this.dir = dir;
  }

  /** The CRDs in deploy/crds, parsed. */
  public List<CustomResourceDefinition> files() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        crds.add(serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (crds.isEmpty()) {
      throw new AssertionError("no CRDs in " + dir + ": run hack/update-crds");
    }
    return crds;
  }

  /**
   * Applies the CRDs of deploy/crds with server-side apply (forcing conflicts) and waits until each
   * is Established. Runs once per JVM; later calls return at once.
   */
  public synchronized void apply() {
    if (applied) {
      return;
    }
    boolean changed = false;
    for (CustomResourceDefinition crd : files()) {
      String name = crd.getMetadata().getName();
      CustomResourceDefinition before =
          client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      CustomResourceDefinition after;
      try {
        after =
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .fieldManager(FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 0) {
          throw new StackUnavailableException(
              "KubeTask E2E: the API server went away while applying CRD "
                  + name
                  + " ("
                  + e.getCause()
                  + "); check 'hack/stack status'",
              e);
        }
        throw new AssertionError(
            "the API server rejected CRD " + name + " from " + dir + ": " + message(e), e);
      }
      changed |=
          before == null
              || !Objects.equals(
                  before.getMetadata().getGeneration(), after.getMetadata().getGeneration());
    }
    for (CustomResourceDefinition crd : files()) {
      awaitEstablished(crd.getMetadata().getName());
    }
    if (changed) {
      // Established is already true on an updated CRD; give the API server's CR handler a moment
      // to pick up the new schema before the first request validates against it.
      sleep(2000);
    }
    applied = true;
  }

  private void awaitEstablished(String name) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ESTABLISH_TIMEOUT_SECONDS);
    CustomResourceDefinition crd = null;
    while (System.nanoTime() < deadline) {
      crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      if (crd != null
          && crd.getStatus() != null
          && crd.getStatus().getConditions() != null
          && crd.getStatus().getConditions().stream().anyMatch(Crds::established)) {
        return;
      }
      sleep(200);
    }
    throw new AssertionError(
        "CRD "
            + name
            + " not Established after "
            + ESTABLISH_TIMEOUT_SECONDS
            + " s: "
            + (crd == null ? "absent" : crd.getStatus()));
  }

  private static boolean established(CustomResourceDefinitionCondition c) {
    return "Established".equals(c.getType()) && "True".equals(c.getStatus());
  }

  private static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
