package io.kubetask.workflows.task;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.v1alpha1.Credential;
import io.kubetask.api.v1alpha1.PodScheduling;
import io.kubetask.workflows.result.AgentResults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the Job that runs a Task's agent. */
public final class TaskJobs {
  public static final String CONTAINER = "agent";
  public static final String WORKSPACE = "/workspace";
  static final String TMP = "/tmp";
  static final String CREDENTIAL_FILE = "secret-file";

  /** The pod condition of a pod the infrastructure took away. */
  static final String DISRUPTION_TARGET = "DisruptionTarget";

  private TaskJobs() {}

  public static Job desired(AgentRun run) {
    Mounts mounts = mounts(run);
    Map<String, String> podLabels = new LinkedHashMap<>(run.podLabels());
    podLabels.putAll(TaskObjects.labels(run.task())); // KubeTask's labels win
    PodScheduling scheduling = run.scheduling();
    return new JobBuilder()
        .withMetadata(TaskObjects.metadata(run))
        .editMetadata()
        .withAnnotations(annotations(run))
        .endMetadata()
        .withNewSpec()
        // An agent run is not idempotent: never re-run an agent that exited, whatever its code.
        // Only a pod the infrastructure took away (DisruptionTarget: evicted, preempted, its node
        // lost) counts towards the backoff limit, and so runs again at most that often.
        .withBackoffLimit(run.infrastructureRetries())
        .withNewPodFailurePolicy()
        .addNewRule()
        .withAction("Count")
        .addNewOnPodCondition()
        .withType(DISRUPTION_TARGET)
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(CONTAINER)
        .withOperator("NotIn")
        .withValues(0)
        .endOnExitCodes()
        .endRule()
        .endPodFailurePolicy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(run.serviceAccountName())
        .withSecurityContext(run.podSecurityContext())
        .withNodeSelector(scheduling == null ? null : scheduling.nodeSelector())
        .withTolerations(scheduling == null ? null : scheduling.tolerations())
        .withAffinity(scheduling == null ? null : scheduling.affinity())
        .withContainers(container(run, mounts.mounts))
        .withVolumes(mounts.volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The image of a Job's agent container (null when it has none). */
  static String agentImage(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> CONTAINER.equals(c.getName()))
        .map(Container::getImage)
        .findFirst()
        .orElse(null);
  }

  /**
   * What the workflow needs of the run after its start, kept on the Job: a workflow re-created
   * later reads them from there rather than from an Agent that may have changed since.
   */
  private static Map<String, String> annotations(AgentRun run) {
    Map<String, String> annotations = new LinkedHashMap<>(run.limits().annotations());
    if (run.keepAlive()) {
      annotations.put(
          KubeTaskAnnotations.KEEP_ALIVE_SECONDS, Integer.toString(run.keepAliveSeconds()));
    }
    if (run.resultSchema() != null) {
      // Fixed when the Job is created, as the limits are: an edited Agent changes no running Task.
      annotations.put(KubeTaskAnnotations.RESULT_SCHEMA, run.resultSchema().toString());
    }
    return annotations;
  }

  /**
   * Two mounts on one path make the API server reject the Job; say which instead. Paths under
   * {@code /kubetask} are reserved for the keep-alive wrapper.
   */
  public static Optional<String> mountConflict(AgentRun run) {
    Map<String, String> owners = new HashMap<>();
    for (Mount m : userMounts(run)) {
      String previous = owners.putIfAbsent(m.path, m.what);
      if (previous != null) {
        return Optional.of(previous + " and " + m.what + " both use the path " + m.path);
      }
      if (m.path.equals("/kubetask") || m.path.startsWith("/kubetask/")) {
        return Optional.of(m.what + " uses " + m.path + ", which is reserved for KubeTask");
      }
    }
    return Optional.empty();
  }

  private static Container container(AgentRun run, List<VolumeMount> mounts) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("TASK_NAME", run.task().name(), null));
    env.add(new EnvVar("TASK_NAMESPACE", run.task().namespace(), null));
    env.add(new EnvVar(AgentResults.ENV, AgentResults.FILE, null));
    if (run.keepAlive()) {
      env.add(new EnvVar(KeepAlive.ENV, Integer.toString(run.keepAliveSeconds()), null));
    }
    for (Credential c : run.credentials()) {
      if (c.env() != null) {
        env.add(
            new EnvVarBuilder()
                .withName(c.env())
                .withNewValueFrom()
                .withNewSecretKeyRef(c.secretRef().key(), c.secretRef().name(), false)
                .endValueFrom()
                .build());
      }
    }
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(run.image())
            .withEnv(env)
            // The kubelet hands what the agent writes there on as its termination message.
            .withTerminationMessagePath(AgentResults.FILE)
            .withSecurityContext(run.securityContext())
            .withVolumeMounts(mounts);
    if (run.keepAlive()) {
      container
          .withCommand(KeepAlive.wrap(run.command()))
          .withNewReadinessProbe()
          .withNewExec()
          .withCommand(KeepAlive.probe())
          .endExec()
          .withPeriodSeconds(5)
          .endReadinessProbe();
    } else {
      container.withCommand(run.command());
    }
    return container.build();
  }

  private record Mount(String path, String what, VolumeMount mount) {}

  private record Mounts(List<Volume> volumes, List<VolumeMount> mounts) {}

  /** The mounts that come from the Task and its Agent, with what each one is, for messages. */
  private static List<Mount> userMounts(AgentRun run) {
    List<Mount> result = new ArrayList<>();
    for (int i = 0; i < run.files().size(); i++) {
      String path = run.files().get(i).path();
      result.add(
          new Mount(
              path,
              "context file " + path,
              new VolumeMountBuilder()
                  .withName("context-files")
                  .withMountPath(path)
                  .withSubPath(TaskConfigMaps.key(i))
                  .withReadOnly(true)
                  .build()));
    }
    for (int i = 0; i < run.dirs().size(); i++) {
      ContextDir dir = run.dirs().get(i);
      result.add(
          new Mount(
              dir.path(),
              "context directory " + dir.path(),
              new VolumeMountBuilder()
                  .withName("dir-mount-" + i)
                  .withMountPath(dir.path())
                  .withReadOnly(true)
                  .build()));
    }
    for (int i = 0; i < run.credentials().size(); i++) {
      Credential c = run.credentials().get(i);
      if (c.mountPath() != null) {
        result.add(
            new Mount(
                c.mountPath(),
                "credential " + c.name(),
                new VolumeMountBuilder()
                    .withName("credential-" + i)
                    .withMountPath(c.mountPath())
                    .withSubPath(CREDENTIAL_FILE)
                    .withReadOnly(true)
                    .build()));
      }
    }
    return result;
  }

  /** A writable emptyDir at {@code path}, unless a context is mounted at exactly that path. */
  private static void scratch(List<Volume> volumes, List<Mount> mounts, String name, String path) {
    if (mounts.stream().noneMatch(m -> m.path.equals(path))) {
      volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build());
      mounts.add(
          new Mount(
              path, name, new VolumeMountBuilder().withName(name).withMountPath(path).build()));
    }
  }

  private static Mounts mounts(AgentRun run) {
    List<Volume> volumes = new ArrayList<>();
    List<Mount> mounts = new ArrayList<>(userMounts(run));
    // The agent may write to /workspace: it is an emptyDir, and context files are mounted into it
    // one by one, so the directory itself is never a read-only, root-owned mount point.
    scratch(volumes, mounts, "workspace", WORKSPACE);
    if (run.readOnlyRootFilesystem()) {
      scratch(volumes, mounts, "tmp", TMP);
    }
    if (!run.files().isEmpty()) {
      volumes.add(
          new VolumeBuilder()
              .withName("context-files")
              .withNewConfigMap()
              .withName(run.objectName())
              .endConfigMap()
              .build());
    }
    for (int i = 0; i < run.dirs().size(); i++) {
      ContextDir dir = run.dirs().get(i);
      volumes.add(
          new VolumeBuilder()
              .withName("dir-mount-" + i)
              .withNewConfigMap()
              .withName(dir.configMap())
              .withOptional(dir.optional() ? true : null)
              .endConfigMap()
              .build());
    }
    for (int i = 0; i < run.credentials().size(); i++) {
      Credential c = run.credentials().get(i);
      if (c.mountPath() != null) {
        // The kubelet writes the file root:root with this mode. With the pod's fsGroup it then
        // gives the file that group and adds group read (mode | 0440, as for every read-only
        // volume), which is how a non-root agent, a member of fsGroup, reads a 0600 or 0400 file.
        int mode = c.fileMode() == null ? Credential.DEFAULT_FILE_MODE : c.fileMode();
        volumes.add(
            new VolumeBuilder()
                .withName("credential-" + i)
                .withNewSecret()
                .withSecretName(c.secretRef().name())
                .withDefaultMode(mode)
                .withItems(
                    new KeyToPathBuilder()
                        .withKey(c.secretRef().key())
                        .withPath(CREDENTIAL_FILE)
                        .withMode(mode)
                        .build())
                .endSecret()
                .build());
      }
    }
    if (run.keepAlive()) {
      volumes.add(
          new VolumeBuilder().withName("kubetask-state").withNewEmptyDir().endEmptyDir().build());
      volumes.add(
          new VolumeBuilder()
              .withName("kubetask-pod")
              .withNewDownwardAPI()
              .addNewItem()
              .withPath(KeepAlive.ANNOTATIONS_FILE)
              .withNewFieldRef()
              .withFieldPath("metadata.annotations")
              .endFieldRef()
              .endItem()
              .endDownwardAPI()
              .build());
      mounts.add(
          new Mount(
              KeepAlive.STATE_DIR,
              "state",
              new VolumeMountBuilder()
                  .withName("kubetask-state")
                  .withMountPath(KeepAlive.STATE_DIR)
                  .build()));
      mounts.add(
          new Mount(
              KeepAlive.POD_INFO_DIR,
              "pod info",
              new VolumeMountBuilder()
                  .withName("kubetask-pod")
                  .withMountPath(KeepAlive.POD_INFO_DIR)
                  .withReadOnly(true)
                  .build()));
    }
    // Sorted by path: a directory is mounted before the files placed inside it.
    List<VolumeMount> sorted =
        mounts.stream().sorted(Comparator.comparing(Mount::path)).map(Mount::mount).toList();
    return new Mounts(volumes, sorted);
  }
}
