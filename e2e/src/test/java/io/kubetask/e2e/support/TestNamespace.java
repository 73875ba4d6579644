package io.kubetask.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh namespace for a test class, deleted after it. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final TestNamespace NS = new TestNamespace();
 * ... NS.name(), NS.client(), NS.stack()
 * }</pre>
 *
 * <p>Before the first test it connects to the {@link Stack} (failing the class when the stack is
 * down), applies the CRDs of deploy/crds (unless {@link #withoutCrds()}), and creates the namespace
 * {@code e2e-<class>-<random>} labelled {@code kubetask.io/e2e=true}. After the last test it
 * deletes that namespace and any made with {@link #another(String)}; set {@code
 * KUBETASK_E2E_KEEP_NAMESPACES=true} to keep them for a look.
 *
 * <p>Every namespace made in this JVM is announced to {@link #whenCreated} listeners: the
 * in-process KubeTask system watches exactly those, so test JVMs that share a stack do not
 * reconcile each other's Tasks.
 */
public final class TestNamespace implements BeforeAllCallback, AfterAllCallback {
  public static final String E2E_LABEL = "kubetask.io/e2e";

  private static final Set<String> CREATED_IN_JVM = new LinkedHashSet<>();
  private static final List<Consumer<Set<String>>> LISTENERS = new ArrayList<>();

  private boolean applyCrds = true;
  private Stack stack;
  private String name;
  private final List<String> created = new ArrayList<>();

  /** Does not apply the CRDs (for suites that apply their own). */
  public TestNamespace withoutCrds() {
    applyCrds = false;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    stack = Stack.get();
    if (applyCrds) {
      stack.crds().apply();
    }
    String prefix =
        context
            .getRequiredTestClass()
            .getSimpleName()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-");
    name = create(prefix, Map.of());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if ("true".equalsIgnoreCase(System.getenv("KUBETASK_E2E_KEEP_NAMESPACES"))) {
      System.err.println("KubeTask E2E: keeping namespaces " + created);
      return;
    }
    for (String namespace : created) {
      stack.client().namespaces().withName(namespace).delete();
    }
    // Wait while this JVM's operator (if any) still runs: it removes the finalizers of the Tasks
    // and CronTasks that the namespace deletion is waiting for.
    for (String namespace : created) {
      stack
          .client()
          .namespaces()
          .withName(namespace)
          .waitUntilCondition(n -> n == null, 10, TimeUnit.MINUTES);
    }
    created.clear();
  }

  /** The namespace of this test class. */
  public String name() {
    requireStarted();
    return name;
  }

  public Stack stack() {
    requireStarted();
    return stack;
  }

  public KubernetesClient client() {
    return stack().client();
  }

  public Kubectl kubectl() {
    return stack().kubectl();
  }

  /** One more fresh namespace, deleted with the class's, e.g. to apply the same names twice. */
  public String another(String hint) {
    return another(hint, Map.of());
  }

  /**
   * One more fresh namespace with these labels too, e.g. {@code
   * pod-security.kubernetes.io/enforce}.
   */
  public String another(String hint, Map<String, String> labels) {
    requireStarted();
    return create(hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), labels);
  }

  /**
   * Waits until the namespace's {@code default} ServiceAccount exists (the controller manager
   * creates it); pods need it.
   */
  public void awaitDefaultServiceAccount() {
    awaitDefaultServiceAccount(name());
  }

  /** {@link #awaitDefaultServiceAccount()} for another namespace, e.g. one of {@link #another}. */
  public void awaitDefaultServiceAccount(String namespace) {
    await(
            "ServiceAccount 'default' in "
                + namespace
                + ": is kube-controller-manager running (hack/stack status)?")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client().serviceAccounts().inNamespace(namespace).withName("default").get(),
            Objects::nonNull);
  }

  private String create(String hint, Map<String, String> labels) {
    String prefix = "e2e-" + hint.replaceAll("^-+|-+$", "");
    prefix = prefix.substring(0, Math.min(prefix.length(), 50)).replaceAll("-+$", "");
    String namespace = prefix + "-" + randomSuffix();
    Namespace ns =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(namespace)
            .addToLabels(labels)
            .addToLabels(E2E_LABEL, "true")
            .endMetadata()
            .build();
    stack.client().namespaces().resource(ns).create();
    created.add(namespace);
    announce(namespace);
    return namespace;
  }

  /** Every namespace made so far in this JVM (also those already deleted). */
  public static synchronized Set<String> createdInJvm() {
    return Set.copyOf(CREATED_IN_JVM);
  }

  /**
   * Calls {@code listener} with every namespace made so far in this JVM (also those already
   * deleted), now and again after each new one.
   */
  public static synchronized void whenCreated(Consumer<Set<String>> listener) {
    LISTENERS.add(listener);
    listener.accept(Set.copyOf(CREATED_IN_JVM));
  }

  private static synchronized void announce(String namespace) {
    CREATED_IN_JVM.add(namespace);
    Set<String> all = Set.copyOf(CREATED_IN_JVM);
    LISTENERS.forEach(l -> l.accept(all));
  }

  private static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private void requireStarted() {
    if (stack == null) {
      throw new IllegalStateException(
          "TestNamespace is used before beforeAll: register it with @RegisterExtension on a"
              + " static field");
    }
  }
}
