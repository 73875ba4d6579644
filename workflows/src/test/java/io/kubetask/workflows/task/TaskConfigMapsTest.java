package io.kubetask.workflows.task;

import static io.kubetask.workflows.task.AgentRuns.NAME;
import static io.kubetask.workflows.task.AgentRuns.NAMESPACE;
import static io.kubetask.workflows.task.AgentRuns.UID;
import static io.kubetask.workflows.task.AgentRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskConfigMapsTest {

  @Test
  void noFilesMeansNoConfigMap() {
    assertThat(TaskConfigMaps.desired(run().build())).isNull();
  }

  @Test
  void metadataMatchesTheJob() {
    ConfigMap cm = TaskConfigMaps.desired(run().file("/workspace/task.md", "x").build());

    assertThat(cm.getApiVersion()).isEqualTo("v1");
    assertThat(cm.getKind()).isEqualTo("ConfigMap");
    assertThat(cm.getMetadata().getName()).isEqualTo("fix-bug-3f2a9c1e");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(cm.getMetadata().getLabels())
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
    assertThat(cm.getImmutable()).isTrue();
  }

  @Test
  void textFilesGoToDataUnderIndexedKeys() {
    ConfigMap cm =
        TaskConfigMaps.desired(
            run()
                .file("/etc/x.yaml", "a: 1\n")
                .file("/workspace/task.md", "Ünïcode ✓ and \"quotes\"\r\n")
                .file("/workspace/empty", "")
                .build());

    assertThat(cm.getData())
        .containsExactly(
            Map.entry("file-0", "a: 1\n"),
            Map.entry("file-1", "Ünïcode ✓ and \"quotes\"\r\n"),
            Map.entry("file-2", ""));
    assertThat(cm.getBinaryData()).isNullOrEmpty();
  }

  @Test
  void binaryFilesGoToBinaryDataWithExactBytes() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    ConfigMap cm =
        TaskConfigMaps.desired(run().binaryFile("/bin/blob", bytes).file("/t.txt", "text").build());

    assertThat(cm.getBinaryData()).containsOnlyKeys("file-0");
    assertThat(Base64.getDecoder().decode(cm.getBinaryData().get("file-0"))).isEqualTo(bytes);
    assertThat(cm.getData()).containsExactly(Map.entry("file-1", "text"));
  }

  @Test
  void onlyBinaryFilesLeaveDataUnset() {
    ConfigMap cm = TaskConfigMaps.desired(run().binaryFile("/x", new byte[] {1, 2, 3}).build());

    assertThat(cm.getData()).isNullOrEmpty();
    assertThat(cm.getBinaryData()).containsOnlyKeys("file-0");
  }

  @Test
  void keysAreInjectiveWhateverThePathCharacters() {
    assertThat(TaskConfigMaps.key(0)).isEqualTo("file-0");
    assertThat(TaskConfigMaps.key(12)).isEqualTo("file-12");
    ConfigMap cm =
        TaskConfigMaps.desired(
            run().file("/a/b.txt", "1").file("/a_b.txt", "2").file("/a-b.txt", "3").build());
    assertThat(cm.getData()).hasSize(3);
    // ConfigMap keys allow only [-._a-zA-Z0-9].
    assertThat(cm.getData().keySet()).allMatch(k -> k.matches("[-._a-zA-Z0-9]+"));
  }

  @Test
  void sizeCountsKeysAndContentBytes() {
    assertThat(TaskConfigMaps.size(List.of())).isZero();
    // "file-0" (6) + 3 bytes of UTF-8 for "é" + "a" -> 6 + 3.
    assertThat(TaskConfigMaps.size(List.of(ContextFile.text("/x", "éa")))).isEqualTo(6 + 3);
    // Binary content counts decoded bytes, not base64 characters.
    String b64 = Base64.getEncoder().encodeToString(new byte[10]);
    assertThat(b64).hasSize(16);
    assertThat(
            TaskConfigMaps.size(
                List.of(ContextFile.text("/x", "abc"), new ContextFile("/y", null, b64))))
        .isEqualTo((6 + 3) + (6 + 10));
    assertThat(TaskConfigMaps.size(List.of(new ContextFile("/z", null, null)))).isEqualTo(6);
    // Keys get longer with the index.
    assertThat(TaskConfigMaps.size(java.util.Collections.nCopies(11, ContextFile.text("/p", ""))))
        .isEqualTo(10 * 6 + 7);
  }

  @Test
  void limitIsOneMebibyte() {
    assertThat(TaskConfigMaps.MAX_BYTES).isEqualTo(1_048_576L);
    String atLimit = "x".repeat((int) TaskConfigMaps.MAX_BYTES - "file-0".length());
    assertThat(TaskConfigMaps.size(List.of(ContextFile.text("/big", atLimit))))
        .isEqualTo(TaskConfigMaps.MAX_BYTES);
    assertThat(TaskConfigMaps.size(List.of(ContextFile.text("/big", atLimit + "y"))))
        .isGreaterThan(TaskConfigMaps.MAX_BYTES);
    assertThat(TaskConfigMaps.size(List.of(ContextFile.text("/big", atLimit))))
        .isEqualTo("file-0".length() + (long) atLimit.getBytes(StandardCharsets.UTF_8).length);
  }
}
