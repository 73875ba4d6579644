package io.kubetask.workflows.task;

import static io.kubetask.workflows.task.AgentRuns.NAME;
import static io.kubetask.workflows.task.AgentRuns.NAMESPACE;
import static io.kubetask.workflows.task.AgentRuns.UID;
import static io.kubetask.workflows.task.AgentRuns.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubetask.api.v1alpha1.PodScheduling;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskJobsTest {

  private static final String OBJECT_NAME = "fix-bug-3f2a9c1e";

  private static PodSpec pod(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }

  private static Container agent(Job job) {
    assertThat(pod(job).getContainers()).hasSize(1);
    return pod(job).getContainers().get(0);
  }

  private static Volume volume(Job job, String name) {
    return pod(job).getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no volume " + name + " in " + pod(job).getVolumes()));
  }

  private static VolumeMount mountAt(Job job, String path) {
    List<VolumeMount> found =
        agent(job).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).toList();
    assertThat(found).as("mounts at %s", path).hasSize(1);
    return found.get(0);
  }

  private static List<String> volumeNames(Job job) {
    return pod(job).getVolumes().stream().map(Volume::getName).toList();
  }

  @Test
  void basicJobHasDeterministicNameLabelsOwnerAndRetriesOnlyDisruptions() {
    Job job = TaskJobs.desired(run().build());

    assertThat(job.getApiVersion()).isEqualTo("batch/v1");
    assertThat(job.getKind()).isEqualTo("Job");
    assertThat(job.getMetadata().getName()).isEqualTo(OBJECT_NAME);
    assertThat(job.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(job.getMetadata().getGenerateName()).isNull();
    assertThat(job.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app",
                "kubetask",
                "app.kubernetes.io/managed-by",
                "kubetask",
                "kubetask.io/task",
                NAME,
                "kubetask.io/task-uid",
                UID));
    // One run again after a disruption (the default), never after the agent exited by itself.
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
    assertThat(job.getSpec().getPodFailurePolicy().getRules())
        .satisfiesExactly(
            disrupted -> {
              assertThat(disrupted.getAction()).isEqualTo("Count");
              assertThat(disrupted.getOnPodConditions())
                  .singleElement()
                  .satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
            },
            exited -> {
              assertThat(exited.getAction()).isEqualTo("FailJob");
              assertThat(exited.getOnExitCodes().getContainerName()).isEqualTo("agent");
              assertThat(exited.getOnExitCodes().getOperator()).isEqualTo("NotIn");
              assertThat(exited.getOnExitCodes().getValues()).containsExactly(0);
            });
    assertThat(pod(job).getRestartPolicy()).isEqualTo("Never");
    assertThat(pod(job).getServiceAccountName()).isEqualTo("agent-sa");
    assertThat(agent(job).getName()).isEqualTo("agent");
    assertThat(agent(job).getImage()).isEqualTo("ghcr.io/example/agent:1.0");
  }

  @Test
  void ownerReferenceIsTheControllingTask() {
    Job job = TaskJobs.desired(run().build());
    ConfigMap cm = TaskConfigMaps.desired(run().file("/workspace/a", "a").build());

    for (List<OwnerReference> refs :
        List.of(job.getMetadata().getOwnerReferences(), cm.getMetadata().getOwnerReferences())) {
      assertThat(refs).hasSize(1);
      OwnerReference owner = refs.get(0);
      assertThat(owner.getApiVersion()).isEqualTo("kubetask.io/v1alpha1");
      assertThat(owner.getKind()).isEqualTo("Task");
      assertThat(owner.getName()).isEqualTo(NAME);
      assertThat(owner.getUid()).isEqualTo(UID);
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    }
    assertThat(TaskObjects.ownedBy(job, AgentRuns.TASK)).isTrue();
    assertThat(TaskObjects.ownedBy(job, new TaskRef(NAMESPACE, NAME, "another-uid"))).isFalse();
  }

  @Test
  void objectsWithoutOwnerReferencesAreNotOwned() {
    Job bare =
        new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
            .withNewMetadata()
            .withName("x")
            .endMetadata()
            .build();
    Job foreign =
        new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
            .withNewMetadata()
            .withName("x")
            .addNewOwnerReference()
            .withUid(UID)
            .withController(false)
            .endOwnerReference()
            .endMetadata()
            .build();

    assertThat(TaskObjects.ownedBy(bare, AgentRuns.TASK)).isFalse();
    // Only the controlling owner counts.
    assertThat(TaskObjects.ownedBy(foreign, AgentRuns.TASK)).isFalse();
  }

  @Test
  void envHasTaskIdentityTheResultFileAndNoKeepAliveWithoutWindow() {
    Job job = TaskJobs.desired(run().build());

    assertThat(agent(job).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("TASK_NAME", NAME),
            tuple("TASK_NAMESPACE", NAMESPACE),
            tuple("KUBETASK_RESULT_FILE", "/kubetask/result.json"));
    // The kubelet hands the file on as the container's termination message.
    assertThat(agent(job).getTerminationMessagePath()).isEqualTo("/kubetask/result.json");
  }

  @Test
  void nullCommandRunsTheImageEntrypoint() {
    Job job = TaskJobs.desired(run().build());

    assertThat(agent(job).getCommand()).isNullOrEmpty();
    assertThat(agent(job).getArgs()).isNullOrEmpty();
    assertThat(agent(job).getReadinessProbe()).isNull();
  }

  @Test
  void commandWithoutKeepAliveIsPassedThroughUnchanged() {
    Job job = TaskJobs.desired(run().command("agent", "--task", "it's \"quoted\"").build());

    assertThat(agent(job).getCommand()).containsExactly("agent", "--task", "it's \"quoted\"");
    assertThat(agent(job).getReadinessProbe()).isNull();
    assertThat(volumeNames(job)).doesNotContain("kubetask-state", "kubetask-pod");
  }

  @Test
  void workspaceIsAWritableEmptyDir() {
    Job job = TaskJobs.desired(run().build());

    assertThat(volume(job, "workspace").getEmptyDir()).isNotNull();
    VolumeMount ws = mountAt(job, "/workspace");
    assertThat(ws.getName()).isEqualTo("workspace");
    assertThat(ws.getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(ws.getSubPath()).isNull();
    assertThat(volumeNames(job)).containsExactly("workspace");
  }

  @Test
  void contextFilesAreMountedOneByOneFromTheTaskConfigMap() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 10, 13};
    AgentRun r =
        run()
            .file("/etc/agent/config.yaml", "model: x\n")
            .binaryFile("/workspace/logo.png", png)
            .file("/workspace/task.md", "Fix the bug — ünïcode ✓")
            .build();
    Job job = TaskJobs.desired(r);
    ConfigMap cm = TaskConfigMaps.desired(r);

    Volume files = volume(job, "context-files");
    assertThat(files.getConfigMap().getName())
        .isEqualTo(OBJECT_NAME)
        .isEqualTo(cm.getMetadata().getName());
    assertThat(files.getConfigMap().getItems()).isNullOrEmpty();

    // Every file is at exactly its path, read from the key that holds exactly its bytes.
    Map<String, byte[]> expected =
        Map.of(
            "/etc/agent/config.yaml", "model: x\n".getBytes(StandardCharsets.UTF_8),
            "/workspace/logo.png", png,
            "/workspace/task.md", "Fix the bug — ünïcode ✓".getBytes(StandardCharsets.UTF_8));
    expected.forEach(
        (path, bytes) -> {
          VolumeMount m = mountAt(job, path);
          assertThat(m.getName()).isEqualTo("context-files");
          assertThat(m.getReadOnly()).isTrue();
          assertThat(m.getSubPath()).matches("file-\\d+");
          assertThat(bytesOf(cm, m.getSubPath())).as("content at %s", path).isEqualTo(bytes);
        });
    assertThat(mountAt(job, "/etc/agent/config.yaml").getSubPath()).isEqualTo("file-0");
    assertThat(mountAt(job, "/workspace/logo.png").getSubPath()).isEqualTo("file-1");
    assertThat(mountAt(job, "/workspace/task.md").getSubPath()).isEqualTo("file-2");
    // The workspace is still an emptyDir: files land inside it, not over it.
    assertThat(mountAt(job, "/workspace").getName()).isEqualTo("workspace");
  }

  static byte[] bytesOf(ConfigMap cm, String key) {
    if (cm.getData() != null && cm.getData().containsKey(key)) {
      return cm.getData().get(key).getBytes(StandardCharsets.UTF_8);
    }
    assertThat(cm.getBinaryData()).as("binaryData of %s", key).containsKey(key);
    return Base64.getDecoder().decode(cm.getBinaryData().get(key));
  }

  @Test
  void noContextFilesMeansNoContextVolume() {
    Job job = TaskJobs.desired(run().dir("/data", "shared", false).build());

    assertThat(volumeNames(job)).doesNotContain("context-files");
    assertThat(TaskConfigMaps.desired(run().dir("/data", "shared", false).build())).isNull();
  }

  @Test
  void dirContextMountsTheNamedConfigMapAsADirectory() {
    Job job =
        TaskJobs.desired(
            run()
                .dir("/data/required", "shared", false)
                .dir("/data/optional", "maybe", true)
                .build());

    VolumeMount required = mountAt(job, "/data/required");
    assertThat(required.getSubPath()).isNull();
    assertThat(required.getReadOnly()).isTrue();
    Volume requiredVolume = volume(job, required.getName());
    assertThat(requiredVolume.getConfigMap().getName()).isEqualTo("shared");
    assertThat(requiredVolume.getConfigMap().getOptional()).isNotEqualTo(Boolean.TRUE);
    assertThat(requiredVolume.getConfigMap().getItems()).isNullOrEmpty();

    VolumeMount optional = mountAt(job, "/data/optional");
    assertThat(optional.getSubPath()).isNull();
    Volume optionalVolume = volume(job, optional.getName());
    assertThat(optionalVolume.getConfigMap().getName()).isEqualTo("maybe");
    assertThat(optionalVolume.getConfigMap().getOptional()).isTrue();
    assertThat(required.getName()).isNotEqualTo(optional.getName());
  }

  @Test
  void dirContextAtWorkspaceReplacesTheEmptyDir() {
    Job job = TaskJobs.desired(run().dir("/workspace", "repo", false).build());

    assertThat(volumeNames(job)).doesNotContain("workspace");
    assertThat(pod(job).getVolumes()).noneMatch(v -> v.getEmptyDir() != null);
    VolumeMount ws = mountAt(job, "/workspace");
    assertThat(volume(job, ws.getName()).getConfigMap().getName()).isEqualTo("repo");
  }

  @Test
  void mountsAreSortedByPathSoDirectoriesComeBeforeTheirFiles() {
    Job job =
        TaskJobs.desired(
            run()
                .file("/workspace/z.md", "z")
                .file("/a/file", "a")
                .dir("/workspace/sub", "sub", false)
                .fileCredential("token", "s", "k", "/home/agent/.token", null)
                .file("/workspace/sub/inside.txt", "x")
                .keepAlive(60)
                .command("agent")
                .build());

    List<String> paths =
        agent(job).getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
    assertThat(paths).isSorted();
    assertThat(paths)
        .containsExactly(
            "/a/file",
            "/home/agent/.token",
            "/kubetask/pod",
            "/kubetask/state",
            "/workspace",
            "/workspace/sub",
            "/workspace/sub/inside.txt",
            "/workspace/z.md");
    // Every mount names a volume of the pod.
    assertThat(agent(job).getVolumeMounts())
        .allSatisfy(m -> assertThat(volumeNames(job)).contains(m.getName()));
    assertThat(volumeNames(job)).doesNotHaveDuplicates();
  }

  @Test
  void credentialAsEnvUsesASecretKeyRef() {
    Job job =
        TaskJobs.desired(run().envCredential("api", "llm-secret", "api-key", "API_KEY").build());

    EnvVar env =
        agent(job).getEnv().stream()
            .filter(e -> e.getName().equals("API_KEY"))
            .findFirst()
            .orElseThrow();
    assertThat(env.getValue()).isNull();
    assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-secret");
    assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
    assertThat(env.getValueFrom().getSecretKeyRef().getOptional()).isNotEqualTo(Boolean.TRUE);
    // Env only: nothing mounted for it.
    assertThat(volumeNames(job)).containsExactly("workspace");
  }

  @Test
  void credentialAsFileMountsOneSecretKeyWithMode0600ByDefault() {
    Job job =
        TaskJobs.desired(
            run()
                .fileCredential("gh", "github", "token", "/home/agent/.config/gh/token", null)
                .build());

    VolumeMount m = mountAt(job, "/home/agent/.config/gh/token");
    assertThat(m.getSubPath()).isEqualTo("secret-file");
    assertThat(m.getReadOnly()).isTrue();
    Volume v = volume(job, m.getName());
    assertThat(v.getSecret().getSecretName()).isEqualTo("github");
    assertThat(v.getSecret().getDefaultMode()).isEqualTo(0600);
    assertThat(v.getSecret().getItems()).hasSize(1);
    assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("token");
    assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("secret-file");
    assertThat(v.getSecret().getItems().get(0).getMode()).isEqualTo(0600);
    assertThat(agent(job).getEnv())
        .extracting(EnvVar::getName)
        .containsExactly("TASK_NAME", "TASK_NAMESPACE", "KUBETASK_RESULT_FILE");
  }

  @Test
  void credentialFileModeIsPassedThrough() {
    Job job =
        TaskJobs.desired(run().fileCredential("gh", "github", "token", "/etc/token", 0400).build());

    Volume v = volume(job, mountAt(job, "/etc/token").getName());
    assertThat(v.getSecret().getDefaultMode()).isEqualTo(0400);
    assertThat(v.getSecret().getItems().get(0).getMode()).isEqualTo(0400);
  }

  @Test
  void credentialAsEnvAndFileGivesBoth() {
    Job job =
        TaskJobs.desired(
            run()
                .credential(
                    new io.kubetask.api.v1alpha1.Credential(
                        "both",
                        new io.kubetask.api.v1alpha1.SecretKeyReference("s", "k"),
                        "TOKEN",
                        "/etc/token",
                        null))
                .fileCredential("second", "s2", "k2", "/etc/token2", null)
                .build());

    assertThat(agent(job).getEnv()).extracting(EnvVar::getName).contains("TOKEN");
    Volume first = volume(job, mountAt(job, "/etc/token").getName());
    Volume second = volume(job, mountAt(job, "/etc/token2").getName());
    assertThat(first.getSecret().getSecretName()).isEqualTo("s");
    assertThat(second.getSecret().getSecretName()).isEqualTo("s2");
    assertThat(second.getSecret().getItems().get(0).getKey()).isEqualTo("k2");
  }

  @Test
  void agentPodLabelsAreKeptButKubeTaskLabelsWin() {
    Job job =
        TaskJobs.desired(
            run()
                .podLabel("team", "search")
                .podLabel("app", "not-kubetask")
                .podLabel("app.kubernetes.io/managed-by", "helm")
                .podLabel("kubetask.io/task", "spoofed")
                .podLabel("kubetask.io/task-uid", "spoofed")
                .build());

    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "team", "search",
                "app", "kubetask",
                "app.kubernetes.io/managed-by", "kubetask",
                "kubetask.io/task", NAME,
                "kubetask.io/task-uid", UID));
    // The Job itself carries only KubeTask's labels.
    assertThat(job.getMetadata().getLabels()).doesNotContainKey("team");
  }

  @Test
  void schedulingAndServiceAccountAreCopied() {
    Toleration gpu = new Toleration("NoSchedule", "gpu", "Equal", null, "true");
    var affinity =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("zone")
            .withOperator("In")
            .withValues("a", "b")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build();
    Job job =
        TaskJobs.desired(
            run()
                .scheduling(new PodScheduling(Map.of("pool", "agents"), List.of(gpu), affinity))
                .serviceAccount("runner")
                .build());

    assertThat(pod(job).getNodeSelector()).containsExactly(Map.entry("pool", "agents"));
    assertThat(pod(job).getTolerations()).containsExactly(gpu);
    assertThat(pod(job).getAffinity()).isEqualTo(affinity);
    assertThat(pod(job).getServiceAccountName()).isEqualTo("runner");
  }

  @Test
  void noSchedulingLeavesPlacementUnset() {
    Job job = TaskJobs.desired(run().build());

    assertThat(pod(job).getNodeSelector()).isNullOrEmpty();
    assertThat(pod(job).getTolerations()).isNullOrEmpty();
    assertThat(pod(job).getAffinity()).isNull();
  }

  @Test
  void keepAliveWrapsTheArgvAndAddsProbeStateAndPodInfo() {
    Job job =
        TaskJobs.desired(
            run().command("agent", "--prompt", "a b 'c' \"d\" $HOME").keepAlive(900).build());
    Container c = agent(job);

    assertThat(c.getCommand())
        .containsExactly(
            "sh",
            "-c",
            KeepAlive.script("/kubetask/state", "/kubetask/pod"),
            "kubetask-agent",
            "agent",
            "--prompt",
            "a b 'c' \"d\" $HOME");
    assertThat(c.getArgs()).isNullOrEmpty();
    assertThat(c.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("TASK_NAME", NAME),
            tuple("TASK_NAMESPACE", NAMESPACE),
            tuple("KUBETASK_RESULT_FILE", "/kubetask/result.json"),
            tuple("KUBETASK_KEEP_ALIVE_SECONDS", "900"));
    assertThat(c.getReadinessProbe().getExec().getCommand())
        .containsExactly("sh", "-c", "test -f /kubetask/state/exit-code");

    assertThat(volume(job, "kubetask-state").getEmptyDir()).isNotNull();
    var downward = volume(job, "kubetask-pod").getDownwardAPI();
    assertThat(downward.getItems()).hasSize(1);
    assertThat(downward.getItems().get(0).getPath()).isEqualTo("annotations");
    assertThat(downward.getItems().get(0).getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations");
    assertThat(mountAt(job, "/kubetask/state").getName()).isEqualTo("kubetask-state");
    assertThat(mountAt(job, "/kubetask/state").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(mountAt(job, "/kubetask/pod").getName()).isEqualTo("kubetask-pod");
    assertThat(mountAt(job, "/kubetask/pod").getReadOnly()).isTrue();
  }

  /** What the "restricted" Pod Security Standard asks of a pod, as a sample Agent sets it. */
  static PodSecurityContext restrictedPod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(1000L)
        .withRunAsGroup(1000L)
        .withFsGroup(1000L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  static SecurityContext restrictedContainer() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withReadOnlyRootFilesystem(true)
        .build();
  }

  @Test
  void withoutSecurityContextsThePodAndContainerHaveNone() {
    Job job = TaskJobs.desired(run().build());

    assertThat(pod(job).getSecurityContext()).isNull();
    assertThat(agent(job).getSecurityContext()).isNull();
    assertThat(volumeNames(job)).containsExactly("workspace");
  }

  @Test
  void securityContextsGoToThePodAndTheAgentContainer() {
    Job job =
        TaskJobs.desired(
            run()
                .podSecurityContext(restrictedPod())
                .securityContext(restrictedContainer())
                .build());

    PodSecurityContext pod = pod(job).getSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isEqualTo(1000L);
    assertThat(pod.getRunAsGroup()).isEqualTo(1000L);
    assertThat(pod.getFsGroup()).isEqualTo(1000L);
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    SecurityContext container = agent(job).getSecurityContext();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getRunAsUser()).isNull();
  }

  @Test
  void aReadOnlyRootFilesystemGetsWritableEmptyDirsAtWorkspaceAndTmp() {
    Job job =
        TaskJobs.desired(
            run()
                .securityContext(restrictedContainer())
                .file("/workspace/task.md", "x")
                .keepAlive(60)
                .command("agent")
                .build());

    assertThat(volume(job, "workspace").getEmptyDir()).isNotNull();
    assertThat(volume(job, "tmp").getEmptyDir()).isNotNull();
    assertThat(volume(job, "kubetask-state").getEmptyDir()).isNotNull();
    for (String path : List.of("/workspace", "/tmp", "/kubetask/state")) {
      assertThat(mountAt(job, path).getReadOnly()).as(path).isNotEqualTo(Boolean.TRUE);
      assertThat(mountAt(job, path).getSubPath()).as(path).isNull();
    }
    assertThat(mountAt(job, "/tmp").getName()).isEqualTo("tmp");
    // Context files still land inside the writable workspace, one by one.
    assertThat(mountAt(job, "/workspace/task.md").getSubPath()).isEqualTo("file-0");
    assertThat(mountAt(job, "/workspace/task.md").getReadOnly()).isTrue();
  }

  @Test
  void aContextDirectoryAtTmpTakesThePlaceOfTheTmpEmptyDir() {
    Job job =
        TaskJobs.desired(
            run().securityContext(restrictedContainer()).dir("/tmp", "scratch", false).build());

    assertThat(volumeNames(job)).containsExactly("workspace", "dir-mount-0");
    assertThat(volume(job, mountAt(job, "/tmp").getName()).getConfigMap().getName())
        .isEqualTo("scratch");
  }

  @Test
  void aWritableRootFilesystemGetsNoTmpEmptyDir() {
    SecurityContext writable =
        new SecurityContextBuilder(restrictedContainer()).withReadOnlyRootFilesystem(false).build();

    assertThat(volumeNames(TaskJobs.desired(run().securityContext(writable).build())))
        .containsExactly("workspace");
  }

  @Test
  void aCredentialFileKeepsItsModeAndTheFsGroupMakesItTheAgentsGroup() {
    Job job =
        TaskJobs.desired(
            run()
                .podSecurityContext(restrictedPod())
                .securityContext(restrictedContainer())
                .fileCredential("gh", "github", "token", "/home/agent/.token", 0400)
                .build());

    Volume v = volume(job, mountAt(job, "/home/agent/.token").getName());
    assertThat(v.getSecret().getDefaultMode()).isEqualTo(0400);
    assertThat(v.getSecret().getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("token");
              assertThat(item.getMode()).isEqualTo(0400);
            });
    assertThat(pod(job).getSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(mountAt(job, "/home/agent/.token").getReadOnly()).isTrue();
  }

  @Test
  void mountConflictNamesBothOwnersOfAPath() {
    AgentRun r =
        run().file("/etc/token", "x").fileCredential("gh", "s", "k", "/etc/token", null).build();

    assertThat(TaskJobs.mountConflict(r))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("context file /etc/token")
                    .contains("credential gh")
                    .contains("/etc/token"));
  }

  @Test
  void mountConflictBetweenFileAndDirectory() {
    AgentRun r = run().file("/data", "x").dir("/data", "cm", false).build();

    assertThat(TaskJobs.mountConflict(r))
        .hasValueSatisfying(
            m -> assertThat(m).contains("context file /data").contains("context directory /data"));
  }

  @Test
  void mountConflictReservesKubetaskPaths() {
    assertThat(TaskJobs.mountConflict(run().file("/kubetask/state/exit-code", "0").build()))
        .hasValueSatisfying(
            m -> assertThat(m).contains("/kubetask/state/exit-code").contains("reserved"));
    assertThat(TaskJobs.mountConflict(run().dir("/kubetask", "cm", false).build()))
        .hasValueSatisfying(m -> assertThat(m).contains("reserved"));
    assertThat(
            TaskJobs.mountConflict(
                run().fileCredential("c", "s", "k", "/kubetask/pod", null).build()))
        .hasValueSatisfying(m -> assertThat(m).contains("credential c").contains("reserved"));
  }

  @Test
  void noMountConflictForDistinctOrMerelySimilarPaths() {
    AgentRun r =
        run()
            .file("/kubetask-notes.md", "x")
            .file("/opt/kubetask/x", "y")
            .dir("/workspace", "repo", false)
            .fileCredential("c", "s", "k", "/etc/token", null)
            .keepAlive(30)
            .command("agent")
            .build();

    assertThat(TaskJobs.mountConflict(r)).isEqualTo(Optional.empty());
  }

  @Test
  void buildsAreDeterministic() {
    AgentRun r =
        run()
            .file("/b", "b")
            .file("/a", "a")
            .dir("/d", "cm", true)
            .envCredential("e", "s", "k", "E")
            .podLabel("x", "y")
            .keepAlive(5)
            .command("agent")
            .podSecurityContext(restrictedPod())
            .securityContext(restrictedContainer())
            .build();

    assertThat(TaskJobs.desired(r)).isEqualTo(TaskJobs.desired(r));
    assertThat(TaskConfigMaps.desired(r)).isEqualTo(TaskConfigMaps.desired(r));
  }
}
