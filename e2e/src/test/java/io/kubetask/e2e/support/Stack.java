package io.kubetask.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local stack that {@code hack/stack up} starts: where it is, a client for its API server, its
 * kubectl and the CRDs of this checkout. One instance per JVM ({@link #get()}).
 *
 * <p>Settings come from the process environment first, then from {@code <repo>/.stack/env} (lines
 * {@code export KEY=value}): {@code KUBECONFIG}, {@code TEMPORAL_ADDRESS}, {@code
 * TEMPORAL_NAMESPACE}, {@code KUBETASK_STACK_BIN}. When the API server cannot be reached {@link
 * #get()} throws {@link StackUnavailableException}: the suite fails, it is never skipped.
 */
public final class Stack {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static Stack instance;
  private static StackUnavailableException failure;

  private final Path repoRoot;
  private final Map<String, String> env;
  private final KubernetesClient client;
  private final Kubectl kubectl;
  private final Crds crds;
  private WorkflowServiceStubs temporalStubs;

  private Stack(Path repoRoot, Map<String, String> env, KubernetesClient client) {
    this.repoRoot = repoRoot;
    this.env = env;
    this.client = client;
    this.kubectl = new Kubectl(kubectlBinary(env), env.get("KUBECONFIG"));
    this.crds = new Crds(client, repoRoot.resolve("deploy/crds"));
  }

  /**
   * The stack, connected. The first call checks that the API server answers; later calls return the
   * same instance (or rethrow the same failure).
   */
  public static synchronized Stack get() {
    if (instance != null) {
      return instance;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      instance = connect();
      return instance;
    } catch (StackUnavailableException e) {
      failure = e;
      throw e;
    }
  }

  private static Stack connect() {
    Path root = findRepoRoot();
    Map<String, String> env = settings(root);
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      throw unavailable(
          root, "KUBECONFIG is neither in the environment nor in " + envFile(root), null);
    }
    Path kubeconfigFile = Path.of(kubeconfig.split(java.io.File.pathSeparator)[0]);
    if (!Files.isRegularFile(kubeconfigFile)) {
      throw unavailable(root, "KUBECONFIG " + kubeconfigFile + " does not exist", null);
    }
    Config config;
    try {
      config = Config.fromKubeconfig(kubeconfigFile.toFile());
    } catch (RuntimeException e) {
      throw unavailable(root, "cannot read " + kubeconfigFile + ": " + causes(e), e);
    }
    // Probe once, without the client's retries (they take a minute), so a stopped stack fails fast.
    Config probe = Config.fromKubeconfig(kubeconfigFile.toFile());
    probe.setConnectionTimeout((int) CONNECT_TIMEOUT.toMillis());
    probe.setRequestRetryBackoffLimit(0);
    try (KubernetesClient probing = new KubernetesClientBuilder().withConfig(probe).build()) {
      probing.getKubernetesVersion();
    } catch (RuntimeException e) {
      throw unavailable(
          root,
          "the API server "
              + config.getMasterUrl()
              + " (KUBECONFIG "
              + kubeconfigFile
              + ", from "
              + (System.getenv("KUBECONFIG") != null ? "the environment" : envFile(root))
              + ") does not answer: "
              + causes(e),
          e);
    }
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Stack stack = new Stack(root, env, client);
    Runtime.getRuntime().addShutdownHook(new Thread(client::close, "kubetask-e2e-client-close"));
    return stack;
  }

  /** The cause chain, e.g. "IOException: ... > ConnectException > ClosedChannelException". */
  private static String causes(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      out.append(out.length() == 0 ? "" : " > ").append(c.getClass().getSimpleName());
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        out.append(": ").append(c.getMessage());
      }
    }
    return out.toString();
  }

  private static StackUnavailableException unavailable(Path root, String what, Throwable cause) {
    return new StackUnavailableException(
        "KubeTask E2E: the local stack is not usable: "
            + what
            + ". Start it with 'hack/stack up' in "
            + root
            + " and check 'hack/stack status'."
            + " E2E suites fail, never skip, when the stack is down.",
        cause);
  }

  /** The checkout: {@code -Dkubetask.repo.root} (set by the e2e pom), else found upwards. */
  private static Path findRepoRoot() {
    String property = System.getProperty("kubetask.repo.root");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/crds"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new StackUnavailableException(
        "KubeTask E2E: cannot find the repository root (a directory with pom.xml and deploy/crds)"
            + " above "
            + Path.of("").toAbsolutePath()
            + "; set -Dkubetask.repo.root",
        null);
  }

  private static Path envFile(Path root) {
    return root.resolve(".stack/env");
  }

  /** .stack/env overlaid with the process environment (which wins). */
  private static Map<String, String> settings(Path root) {
    Map<String, String> settings = new LinkedHashMap<>(readEnvFile(envFile(root)));
    for (String key :
        List.of(
            "KUBECONFIG",
            "TEMPORAL_ADDRESS",
            "TEMPORAL_NAMESPACE",
            "KUBETASK_STACK_BIN",
            "KUBETASK_STACK_DIR",
            "TEMPORAL_UI_URL")) {
      String value = System.getenv(key);
      if (value != null && !value.isBlank()) {
        settings.put(key, value);
      }
    }
    return settings;
  }

  /** Parses {@code export KEY=value} lines (values as written by bash {@code printf %q}). */
  static Map<String, String> readEnvFile(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return values;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.startsWith("export ")) {
        trimmed = trimmed.substring("export ".length()).strip();
      }
      int eq = trimmed.indexOf('=');
      if (trimmed.startsWith("#") || eq <= 0) {
        continue;
      }
      values.put(trimmed.substring(0, eq), unquote(trimmed.substring(eq + 1)));
    }
    return values;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("'") && value.endsWith("'")
            || value.startsWith("\"") && value.endsWith("\""))) {
      return value.substring(1, value.length() - 1);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static Path kubectlBinary(Map<String, String> env) {
    String bin = env.get("KUBETASK_STACK_BIN");
    if (bin != null && Files.isExecutable(Path.of(bin, "kubectl"))) {
      return Path.of(bin, "kubectl");
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "kubectl");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  public Path repoRoot() {
    return repoRoot;
  }

  /** A setting from the environment or .stack/env, if set. */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(env.get(key)).filter(v -> !v.isBlank());
  }

  public String kubeconfig() {
    return env.get("KUBECONFIG");
  }

  /** host:port of the Temporal dev server. */
  public String temporalAddress() {
    return setting("TEMPORAL_ADDRESS")
        .orElseThrow(
            () ->
                unavailable(
                    repoRoot,
                    "TEMPORAL_ADDRESS is neither in the environment nor in " + envFile(repoRoot),
                    null));
  }

  public String temporalNamespace() {
    return setting("TEMPORAL_NAMESPACE").orElse("default");
  }

  /**
   * Fails with {@link StackUnavailableException} unless the Temporal frontend accepts a TCP
   * connection.
   */
  public void requireTemporal() {
    String address = temporalAddress();
    int colon = address.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          (int) CONNECT_TIMEOUT.toMillis());
    } catch (IOException | RuntimeException e) {
      throw unavailable(
          repoRoot, "the Temporal dev server " + address + " does not answer: " + causes(e), e);
    }
  }

  /**
   * The shared Temporal client of the stack's dev server, connected on first use; it reconnects by
   * itself when a suite restarts the server. Do not close it.
   */
  public synchronized WorkflowClient temporal() {
    return WorkflowClient.newInstance(
        temporalStubs(),
        WorkflowClientOptions.newBuilder().setNamespace(temporalNamespace()).build());
  }

  /** A Schedule client on the same connection as {@link #temporal()}. */
  public synchronized ScheduleClient schedules() {
    return ScheduleClient.newInstance(
        temporalStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(temporalNamespace()).build());
  }

  private WorkflowServiceStubs temporalStubs() {
    if (temporalStubs == null) {
      temporalStubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporalAddress()).build());
      Runtime.getRuntime().addShutdownHook(new Thread(temporalStubs::shutdown));
    }
    return temporalStubs;
  }

  /** The shared client (admin of the stack). Do not close it. */
  public KubernetesClient client() {
    return client;
  }

  /** The stack's kubectl, talking to the stack's API server. */
  public Kubectl kubectl() {
    if (!kubectl.available()) {
      throw unavailable(repoRoot, "no kubectl in $KUBETASK_STACK_BIN or on PATH", null);
    }
    return kubectl;
  }

  /** The CRDs of this checkout ({@code deploy/crds}). */
  public Crds crds() {
    return crds;
  }
}
