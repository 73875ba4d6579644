package io.kubetask.operator.task;

import static io.kubetask.operator.task.TestTasks.condition;
import static io.kubetask.operator.task.TestTasks.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.kubetask.api.v1alpha1.Agent;
import io.kubetask.api.v1alpha1.AgentSpec;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.FileContext;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A blocked Task's workflow is told only once what it waits for is in the caches. */
class TaskDependenciesTest {
  private final Map<String, Agent> agents = new HashMap<>();
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final TaskDependencies.Cache cache =
      new TaskDependencies.Cache() {
        @Override
        public Optional<Agent> agent(String namespace, String name) {
          return Optional.ofNullable(agents.get(namespace + "/" + name));
        }

        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
          return Optional.ofNullable(configMaps.get(namespace + "/" + name));
        }
      };

  private static Task blocked(String reason, String agentRef, Context... contexts) {
    Task task = new Task("team-a", "t", new TaskSpec(List.of(contexts), agentRef));
    return withStatus(task, TaskPhase.PENDING, condition(Conditions.READY, "False", reason));
  }

  private void agent(String name, Context... defaults) {
    agents.put(
        "team-a/" + name,
        new Agent(
            "team-a",
            name,
            new AgentSpec(null, null, null, List.of(defaults), null, null, null, "sa")));
  }

  private void configMap(String name, String... keys) {
    Map<String, String> data = new HashMap<>();
    for (String key : keys) {
      data.put(key, "");
    }
    configMaps.put(
        "team-a/" + name,
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("team-a")
            .endMetadata()
            .withData(data)
            .build());
  }

  @Test
  void aTaskWaitingForItsAgentIsToldOnceTheAgentExists() {
    Task task = blocked(Conditions.AGENT_NOT_FOUND, "claude");
    agent("gemini");

    assertThat(TaskDependencies.appeared(task, cache)).isFalse();
    agent("claude");
    assertThat(TaskDependencies.appeared(task, cache)).isTrue();
  }

  @Test
  void aTaskWaitingForAConfigMapKeyIsToldOnceTheKeyExists() {
    Task task =
        blocked(
            Conditions.CONTEXT_NOT_FOUND,
            "claude",
            Context.file(FileContext.configMapKey("/workspace/a.md", "docs", "a.md")));
    agent("claude");

    assertThat(TaskDependencies.appeared(task, cache)).isFalse();
    configMap("docs", "b.md");
    assertThat(TaskDependencies.appeared(task, cache)).isFalse();
    configMap("docs", "a.md");
    assertThat(TaskDependencies.appeared(task, cache)).isTrue();
  }

  @Test
  void theAgentsDefaultContextsCountToo() {
    Task task = blocked(Conditions.CONTEXT_NOT_FOUND, "claude");
    agent("claude", Context.file(FileContext.configMapDir("/workspace/repo", "repo")));

    assertThat(TaskDependencies.appeared(task, cache)).isFalse();
    configMap("repo");
    assertThat(TaskDependencies.appeared(task, cache)).isTrue();
  }

  @Test
  void aTaskWaitingForAContextWhoseAgentWentIsToldSo() {
    Task task =
        blocked(
            Conditions.CONTEXT_NOT_FOUND,
            "claude",
            Context.file(FileContext.configMapKey("/workspace/a.md", "docs", "a.md")));

    assertThat(TaskDependencies.appeared(task, cache)).isTrue();
  }

  @Test
  void aTaskThatWaitsForNothingIsNeverTold() {
    Task task = blocked(Conditions.CONTEXT_TOO_LARGE, "claude");
    agent("claude");

    assertThat(TaskDependencies.appeared(task, cache)).isFalse();
  }
}
