package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.ContextType;
import io.kubetask.api.v1alpha1.FileContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContextsTest {

  private static Context inline(String path, String content) {
    return Context.file(FileContext.inline(path, content));
  }

  @Test
  void agentDefaultsComeFirstAndTheTaskWinsOnTheSamePath() {
    List<Context> agent =
        List.of(
            inline("/workspace/AGENTS.md", "agent rules"),
            inline("/workspace/task.md", "agent default task"),
            Context.file(FileContext.configMapDir("/etc/tools", "tools")));
    List<Context> task =
        List.of(
            inline("/workspace/task.md", "the task's own"),
            Context.file(
                FileContext.configMapKey("/workspace/input.json", "inputs", "input.json")));

    List<Context> merged = Contexts.merge(agent, task);

    assertThat(merged)
        .extracting(Context::path)
        .containsExactly(
            "/etc/tools", "/workspace/AGENTS.md", "/workspace/input.json", "/workspace/task.md");
    assertThat(merged.get(3).file().source().inline()).isEqualTo("the task's own");
    assertThat(merged.get(1).file().source().inline()).isEqualTo("agent rules");
    assertThat(merged.get(0).file().source().configMapRef().name()).isEqualTo("tools");
  }

  @Test
  void theTaskReplacesADefaultOfAnotherKindOnTheSamePath() {
    List<Context> merged =
        Contexts.merge(
            List.of(Context.file(FileContext.configMapDir("/workspace/docs", "docs"))),
            List.of(inline("/workspace/docs", "now a file")));

    assertThat(merged).hasSize(1);
    assertThat(merged.get(0).file().dirPath()).isNull();
    assertThat(merged.get(0).file().source().inline()).isEqualTo("now a file");
  }

  @Test
  void resultIsSortedByPathWhateverTheInputOrder() {
    List<Context> merged =
        Contexts.merge(
            List.of(inline("/z", "1"), inline("/a/b", "2")),
            List.of(inline("/m", "3"), inline("/a", "4"), inline("/a/b/c", "5")));

    assertThat(merged)
        .extracting(Context::path)
        .containsExactly("/a", "/a/b", "/a/b/c", "/m", "/z");
  }

  @Test
  void nullListsAndContextsWithoutPathAreTolerated() {
    assertThat(Contexts.merge(null, null)).isEmpty();
    assertThat(Contexts.merge(null, List.of(inline("/x", "x"))))
        .extracting(Context::path)
        .containsExactly("/x");
    assertThat(Contexts.merge(List.of(inline("/y", "y")), null))
        .extracting(Context::path)
        .containsExactly("/y");
    List<Context> withHole = new ArrayList<>();
    withHole.add(new Context(ContextType.FILE, null));
    withHole.add(inline("/x", "x"));
    assertThat(Contexts.merge(withHole, List.of())).extracting(Context::path).containsExactly("/x");
  }

  @Test
  void inputsAreNotModified() {
    List<Context> agent = new ArrayList<>(List.of(inline("/b", "b"), inline("/a", "a")));
    List<Context> task = new ArrayList<>(List.of(inline("/a", "task")));
    Contexts.merge(agent, task);

    assertThat(agent).extracting(Context::path).containsExactly("/b", "/a");
    assertThat(task).hasSize(1);
  }
}
