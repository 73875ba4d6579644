package io.kubetask.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.HumanInTheLoop;
import io.kubetask.api.v1alpha1.PodScheduling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small fluent builder of Agent specs for tests. */
public final class AgentSpecs {
  private String image;
  private List<String> command;
  private HumanInTheLoop humanInTheLoop;
  private List<Context> defaultContexts;
  private List<Credential> credentials;
  private final Map<String, String> podLabels = new HashMap<>();
  private PodScheduling scheduling;
  private String serviceAccountName = "default";
  private String startTimeout;
  private String timeout;
  private PodSecurityContext podSecurityContext;
  private SecurityContext securityContext;
  private Integer maxConcurrentTasks;
  private Integer infrastructureRetries;
  private JsonNode resultSchema;

  private AgentSpecs(String image) {
    this.image = image;
  }

  public static AgentSpecs image(String image) {
    return new AgentSpecs(image);
  }

  /** An Agent that names no image: its pods get KubeTask's default agent image. */
  public static AgentSpecs defaultImage() {
    return new AgentSpecs(null);
  }

  public AgentSpecs command(String... argv) {
    command = List.of(argv);
    return this;
  }

  public AgentSpecs keepAlive(int seconds) {
    humanInTheLoop = new HumanInTheLoop(true, seconds);
    return this;
  }

  public AgentSpecs defaultContexts(Context... contexts) {
    defaultContexts = List.of(contexts);
    return this;
  }

  public AgentSpecs credentials(Credential... all) {
    credentials = List.of(all);
    return this;
  }

  public AgentSpecs label(String key, String value) {
    podLabels.put(key, value);
    return this;
  }

  /** The pod runs this long on the kwok node before it succeeds (kubetask.test/run-duration). */
  public AgentSpecs runs(String duration) {
    return label("kubetask.test/run-duration", duration);
  }

  /** The pod fails with this exit code (kubetask.test/outcome=fail). */
  public AgentSpecs fails(int exitCode) {
    return label("kubetask.test/outcome", "fail")
        .label("kubetask.test/exit-code", Integer.toString(exitCode));
  }

  /** The pod runs until it is deleted or released (kubetask.test/outcome=hang). */
  public AgentSpecs hangs() {
    return label("kubetask.test/outcome", "hang");
  }

  public AgentSpecs scheduling(PodScheduling scheduling) {
    this.scheduling = scheduling;
    return this;
  }

  public AgentSpecs serviceAccount(String name) {
    serviceAccountName = name;
    return this;
  }

  /** Its container never starts: the kubelet (kwok) reports it waiting for this reason. */
  public AgentSpecs waits(String reason) {
    return label("kubetask.test/waiting-reason", reason);
  }

  public AgentSpecs startTimeout(String duration) {
    this.startTimeout = duration;
    return this;
  }

  public AgentSpecs timeout(String duration) {
    this.timeout = duration;
    return this;
  }

  public AgentSpecs podSecurityContext(PodSecurityContext context) {
    this.podSecurityContext = context;
    return this;
  }

  public AgentSpecs securityContext(SecurityContext context) {
    this.securityContext = context;
    return this;
  }

  /** A succeeding pod leaves this canned result (kubetask.test/result, see pod-stages.yaml). */
  public AgentSpecs result(String canned) {
    return label("kubetask.test/result", canned);
  }

  /** The Agent requires a result matching this JSON Schema. */
  public AgentSpecs resultSchema(String json) {
    this.resultSchema =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            json, com.fasterxml.jackson.databind.JsonNode.class);
    return this;
  }

  /** The pod is evicted after its run-duration (kubetask.test/outcome=disrupted). */
  public AgentSpecs disrupted() {
    return label("kubetask.test/outcome", "disrupted");
  }

  /** A disrupted pod runs again at most this many times. */
  public AgentSpecs infrastructureRetries(int retries) {
    this.infrastructureRetries = retries;
    return this;
  }

  /** At most this many Tasks of the Agent run at once. */
  public AgentSpecs maxConcurrentTasks(int limit) {
    this.maxConcurrentTasks = limit;
    return this;
  }

  public AgentSpec build() {
    return new AgentSpec(
        image,
        command,
        humanInTheLoop,
        defaultContexts,
        credentials,
        podLabels.isEmpty() ? null : Map.copyOf(podLabels),
        scheduling,
        serviceAccountName,
        startTimeout,
        timeout,
        podSecurityContext,
        securityContext,
        maxConcurrentTasks,
        null,
        infrastructureRetries,
        resultSchema);
  }
}
