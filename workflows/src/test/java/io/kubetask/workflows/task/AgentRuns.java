package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.PodScheduling;
import io.kubetask.api.v1alpha1.SecretKeyReference;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small fluent builder of {@link AgentRun} inputs for the builder tests. */
final class AgentRuns {
  static final String NAMESPACE = "team-a";
  static final String NAME = "fix-bug";
  static final String UID = "3f2a9c1e-7b4d-4e8a-9c0d-1e2f3a4b5c6d";
  static final TaskRef TASK = new TaskRef(NAMESPACE, NAME, UID);

  private TaskRef task = TASK;
  private String image = "ghcr.io/example/agent:1.0";
  private List<String> command;
  private int keepAliveSeconds;
  private final List<Credential> credentials = new ArrayList<>();
  private final Map<String, String> podLabels = new LinkedHashMap<>();
  private PodScheduling scheduling;
  private String serviceAccountName = "agent-sa";
  private RunLimits limits = RunLimits.DEFAULT;
  private final List<ContextFile> files = new ArrayList<>();
  private final List<ContextDir> dirs = new ArrayList<>();
  private PodSecurityContext podSecurityContext;
  private SecurityContext securityContext;

  static AgentRuns run() {
    return new AgentRuns();
  }

  private int infrastructureRetries = AgentSpec.DEFAULT_INFRASTRUCTURE_RETRIES;

  AgentRuns task(TaskRef task) {
    this.task = task;
    return this;
  }

  AgentRuns image(String image) {
    this.image = image;
    return this;
  }

  AgentRuns command(String... argv) {
    this.command = List.of(argv);
    return this;
  }

  AgentRuns keepAlive(int seconds) {
    this.keepAliveSeconds = seconds;
    return this;
  }

  AgentRuns file(String path, String text) {
    files.add(ContextFile.text(path, text));
    return this;
  }

  AgentRuns binaryFile(String path, byte[] bytes) {
    files.add(new ContextFile(path, null, Base64.getEncoder().encodeToString(bytes)));
    return this;
  }

  AgentRuns dir(String path, String configMap, boolean optional) {
    dirs.add(new ContextDir(path, configMap, optional));
    return this;
  }

  AgentRuns envCredential(String name, String secret, String key, String env) {
    credentials.add(new Credential(name, new SecretKeyReference(secret, key), env, null, null));
    return this;
  }

  AgentRuns fileCredential(String name, String secret, String key, String path, Integer mode) {
    credentials.add(new Credential(name, new SecretKeyReference(secret, key), null, path, mode));
    return this;
  }

  AgentRuns credential(Credential credential) {
    credentials.add(credential);
    return this;
  }

  AgentRuns podLabel(String key, String value) {
    podLabels.put(key, value);
    return this;
  }

  AgentRuns scheduling(PodScheduling scheduling) {
    this.scheduling = scheduling;
    return this;
  }

  AgentRuns serviceAccount(String name) {
    this.serviceAccountName = name;
    return this;
  }

  AgentRuns limits(RunLimits limits) {
    this.limits = limits;
    return this;
  }

  AgentRuns podSecurityContext(PodSecurityContext context) {
    this.podSecurityContext = context;
    return this;
  }

  AgentRuns infrastructureRetries(int retries) {
    this.infrastructureRetries = retries;
    return this;
  }

  AgentRuns securityContext(SecurityContext context) {
    this.securityContext = context;
    return this;
  }

  AgentRun build() {
    return new AgentRun(
        task,
        image,
        command,
        keepAliveSeconds,
        credentials,
        podLabels,
        scheduling,
        serviceAccountName,
        files,
        dirs,
        limits,
        podSecurityContext,
        securityContext,
        infrastructureRetries,
        null);
  }
}
