package io.kubetask.e2e.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.e2e.support.AgentSpecs;
import io.kubetask.e2e.support.TaskWorld;
import io.kubetask.e2e.support.TestNamespace;
import io.kubetask.e2e.system.KubeTaskSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an agent run produced, through the kubelet's termination message as kwok leaves it: the
 * result on the Task, GoalAchieved apart from the exit code, and an Agent's resultSchema.
 */
class ResultsE2E {
  @RegisterExtension static final TestNamespace NS = new TestNamespace();

  private static final String SCHEMA =
      """
      {"type":"object","required":["summary","data"],
       "properties":{"data":{"type":"object","properties":{"fixed":{"type":"integer"}}}}}
      """;

  private static TaskWorld world;

  @BeforeAll
  static void start() {
    world = KubeTaskSystem.get().world(NS.name());
    NS.awaitDefaultServiceAccount();
  }

  private static Condition goal(Task task) {
    return TaskWorld.condition(task, "GoalAchieved");
  }

  @Test
  void theResultIsCarriedToTheTaskWithTheGoalReached() {
    world.agent("fixer", AgentSpecs.image("example.com/agent:1").runs("1s").result("achieved"));
    Task done = world.awaitPhase(world.create("fix", "fixer"), TaskPhase.COMPLETED);

    assertThat(done.getStatus().result().summary()).isEqualTo("Fixed 3 flaky tests.");
    assertThat(done.getStatus().result().data().get("fixed").asInt()).isEqualTo(3);
    assertThat(goal(done))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Achieved");
  }

  @Test
  void anAgentThatExitsZeroCanStillMissItsGoal() {
    world.agent(
        "honest", AgentSpecs.image("example.com/agent:1").runs("1s").result("not-achieved"));
    Task done = world.awaitPhase(world.create("try", "honest"), TaskPhase.COMPLETED);

    assertThat(TaskWorld.condition(done, "Succeeded").getStatus()).isEqualTo("True");
    assertThat(goal(done))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "NotAchieved");
    assertThat(done.getStatus().result().summary()).isEqualTo("Could not reproduce the failure.");
  }

  @Test
  void aSchemaRejectsAResultThatDoesNotMatchAndRequiresOne() {
    world.agent(
        "strict",
        AgentSpecs.image("example.com/agent:1")
            .runs("1s")
            .result("wrong-type")
            .resultSchema(SCHEMA));
    world.agent(
        "strict-silent", AgentSpecs.image("example.com/agent:1").runs("1s").resultSchema(SCHEMA));

    Task wrong = world.awaitPhase(world.create("wrong", "strict"), TaskPhase.COMPLETED);
    Task silent = world.awaitPhase(world.create("silent", "strict-silent"), TaskPhase.COMPLETED);

    assertThat(wrong.getStatus().result()).isNull();
    assertThat(goal(wrong).getReason()).isEqualTo("ResultInvalid");
    assertThat(goal(wrong).getMessage())
        .startsWith("The result does not match the Agent's resultSchema:")
        .contains("integer");
    assertThat(goal(silent))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "NoResult");
  }

  @Test
  void aResultOverFourKibIsRefusedWithAClearCondition() {
    world.agent("verbose", AgentSpecs.image("example.com/agent:1").runs("1s").result("too-large"));
    Task done = world.awaitPhase(world.create("verbose", "verbose"), TaskPhase.COMPLETED);

    assertThat(done.getStatus().result()).isNull();
    assertThat(goal(done))
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "ResultTooLarge");
    assertThat(goal(done).getMessage()).contains("4 KiB");
  }
}
