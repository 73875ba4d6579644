package io.kubetask.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackEnvFileTest {
  @TempDir Path dir;

  @Test
  void readsTheExportsThatHackStackWrites() throws IOException {
    Path env = dir.resolve("env");
    Files.writeString(
        env,
        """
        # Written by hack/stack up. Use: source .stack/env
        export KUBECONFIG=/work/main/.stack/admin.kubeconfig
        export TEMPORAL_ADDRESS=127.0.0.1:7233
        export KUBETASK_STACK_DIR=/home/me/my\\ checkout/.stack
        export TEMPORAL_UI_URL='http://127.0.0.1:8233'
        export PATH=/work/main/.stack/bin:$PATH

        NOT_EXPORTED=1
        """);

    assertThat(Stack.readEnvFile(env))
        .containsEntry("KUBECONFIG", "/work/main/.stack/admin.kubeconfig")
        .containsEntry("TEMPORAL_ADDRESS", "127.0.0.1:7233")
        .containsEntry("KUBETASK_STACK_DIR", "/home/me/my checkout/.stack")
        .containsEntry("TEMPORAL_UI_URL", "http://127.0.0.1:8233")
        .containsEntry("NOT_EXPORTED", "1")
        .doesNotContainKey("# Written by hack/stack up. Use: source .stack/env");
  }

  @Test
  void aMissingFileIsEmpty() {
    assertThat(Stack.readEnvFile(dir.resolve("absent"))).isEmpty();
  }
}
