package io.kubetask.workflows.task;

import static io.kubetask.workflows.task.AgentRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One canonical Job, compared as parsed objects with {@code
 * src/test/resources/golden/job-basic.yaml}. Run with {@code -Dgolden.update=true} to rewrite the
 * fixture, then review the diff.
 */
class TaskJobsGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/job-basic.yaml");

  static AgentRun basicRun() {
    return run()
        .command("agent", "--task", "/workspace/task.md")
        .file("/workspace/task.md", "Fix the flaky test in module x.\n")
        .envCredential("llm", "llm-secret", "api-key", "LLM_API_KEY")
        .podLabel("team", "search")
        .build();
  }

  @Test
  void basicJobMatchesTheGoldenFile() throws IOException {
    Job built = TaskJobs.desired(basicRun());
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN.getParent());
      // Map keys sorted, so a rewrite shows only real changes in the diff.
      Object tree = Serialization.jsonMapper().convertValue(built, Object.class);
      String yaml =
          Serialization.yamlMapper()
              .copy()
              .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
              .writeValueAsString(tree);
      Files.writeString(GOLDEN, yaml, StandardCharsets.UTF_8);
    }
    Job golden =
        Serialization.unmarshal(Files.readString(GOLDEN, StandardCharsets.UTF_8), Job.class);

    // Builders leave unset lists null where the parser gives empty lists: compare the built Job in
    // the form the API server (and the parser) sees it.
    Job normalized = Serialization.unmarshal(Serialization.asYaml(built), Job.class);
    assertThat(normalized).isEqualTo(golden);
  }
}
