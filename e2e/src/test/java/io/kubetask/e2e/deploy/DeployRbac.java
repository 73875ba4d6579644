package io.kubetask.e2e.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubetask.e2e.support.Crds;
import io.kubetask.e2e.support.Stack;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The identities of deploy/: applies its namespace, ServiceAccounts and RBAC to the stack (for
 * real, idempotently), and builds clients that impersonate those ServiceAccounts, so that code run
 * with them gets exactly the permissions an installed KubeTask has.
 */
public final class DeployRbac {
  public static final String NAMESPACE = "kubetask-system";
  public static final String OPERATOR = "kubetask-operator";
  public static final String WORKER = "kubetask-worker";
  public static final List<String> FILES =
      List.of(
          "deploy/kubetask/namespace.yaml",
          "deploy/kubetask/rbac/operator.yaml",
          "deploy/kubetask/rbac/worker.yaml");

  /** The groups of every ServiceAccount of deploy/. */
  public static final List<String> GROUPS =
      List.of(
          "system:serviceaccounts", "system:serviceaccounts:" + NAMESPACE, "system:authenticated");

  private static boolean applied;

  private DeployRbac() {}

  /** Applies deploy/'s namespace and RBAC with server-side apply; once per JVM. */
  public static synchronized void apply(Stack stack) {
    if (applied) {
      return;
    }
    for (HasMetadata object : objects(stack.repoRoot())) {
      stack
          .client()
          .resource(object)
          .fieldManager(Crds.FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
    applied = true;
  }

  /** The objects of {@link #FILES}. */
  public static List<HasMetadata> objects(Path repoRoot) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String file : FILES) {
      try (var in = Files.newInputStream(repoRoot.resolve(file))) {
        objects.addAll(Stack.get().client().load(in).items());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return objects;
  }

  /** The user name Kubernetes gives a ServiceAccount of deploy/. */
  public static String username(String serviceAccount) {
    return "system:serviceaccount:" + NAMESPACE + ":" + serviceAccount;
  }

  /**
   * The environment that makes a process's fabric8 client act as a ServiceAccount of deploy/ (with
   * the stack's kubeconfig). fabric8 ignores a kubeconfig's {@code as}, but reads these.
   */
  public static Map<String, String> impersonationEnv(String serviceAccount) {
    return Map.of(
        "KUBERNETES_IMPERSONATE_USERNAME", username(serviceAccount),
        "KUBERNETES_IMPERSONATE_GROUP", String.join(",", GROUPS));
  }

  /**
   * A new client (close it) acting as a ServiceAccount of deploy/, with the groups it has in a pod.
   */
  public static KubernetesClient impersonating(Stack stack, String serviceAccount) {
    Config config =
        Config.fromKubeconfig(new File(stack.kubeconfig().split(File.pathSeparator)[0]));
    config.setImpersonateUsername(username(serviceAccount));
    config.setImpersonateGroups(GROUPS.toArray(String[]::new));
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
