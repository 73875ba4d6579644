package io.kubetask.workflows.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.kubetask.api.KubeTaskAnnotations;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.workflows.capacity.CapacityQueue.Limits;
import io.kubetask.workflows.capacity.CapacityQueue.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityQueueTest {
  private static final Limits CLAUDE_TWO = new Limits(Map.of("claude", 2)::get, null);

  private int created;

  /** A Task of the Agent, created a minute after the one before. */
  private Task task(String name, String agent, Integer priority, TaskPhase phase, String job) {
    Task task = new Task("team-a", name, new TaskSpec(List.of(), agent, null, null, priority));
    task.getMetadata().setUid("uid-" + name);
    task.getMetadata().setCreationTimestamp(String.format("2026-12-01T10:%02d:00Z", created++));
    if (phase != null) {
      task.setStatus(new TaskStatus(phase, job, null, null, null, List.of(), 1L, "wf", null));
    }
    return task;
  }

  /** A Task that waits for what its Ready condition names. */
  private Task blocked(String name, String agent, Integer priority, String reason) {
    Task task = task(name, agent, priority, null, null);
    task.setStatus(
        new TaskStatus(
            TaskPhase.PENDING,
            null,
            null,
            null,
            null,
            List.of(
                new ConditionBuilder()
                    .withType("Ready")
                    .withStatus("False")
                    .withReason(reason)
                    .build()),
            1L,
            "wf",
            null));
    return task;
  }

  private Task running(String name, String agent) {
    return task(name, agent, null, TaskPhase.RUNNING, name + "-job");
  }

  private Task queued(String name, String agent, Integer priority) {
    return task(name, agent, priority, TaskPhase.QUEUED, null);
  }

  @Test
  void theFreeSlotsGoToTheQueueInPriorityThenCreationOrder() {
    List<Task> tasks = new ArrayList<>();
    tasks.add(running("a", "claude"));
    Task old = queued("old", "claude", null);
    Task urgent = queued("urgent", "claude", 5);
    Task young = queued("young", "claude", null);
    tasks.addAll(List.of(old, urgent, young));

    var queue = new CapacityQueue(tasks, CLAUDE_TWO, Set.of(), null);

    assertThat(queue.place(urgent)).isEqualTo(Place.ADMITTED);
    assertThat(queue.place(old))
        .isEqualTo(
            new Place(
                false, "AgentAtCapacity", 1, "1st of 2 waiting for Agent claude: 2/2 running."));
    assertThat(queue.place(young))
        .isEqualTo(
            new Place(
                false, "AgentAtCapacity", 2, "2nd of 2 waiting for Agent claude: 2/2 running."));
    assertThat(queue.holders()).extracting(t -> t.getMetadata().getName()).containsExactly("a");
  }

  @Test
  void aTaskAskingForASlotWaitsBehindThoseAheadOfItEvenBeforeItsStatusSaysSo() {
    Task first = task("first", "claude", null, null, null); // created, not looked at yet
    Task second = task("second", "claude", null, null, null);
    Task third = task("third", "claude", null, null, null);

    var queue = new CapacityQueue(List.of(first, second), CLAUDE_TWO, Set.of(), third);

    assertThat(queue.place(first).admitted()).isTrue();
    assertThat(queue.place(second).admitted()).isTrue();
    assertThat(queue.place(third).message())
        .isEqualTo("1st of 1 waiting for Agent claude: 2/2 running.");
  }

  @Test
  void theLedgerHoldsSlotsForTasksWhoseJobsDoNotExistYetAndFinishedTasksHoldNone() {
    Task admitted = queued("admitted", "claude", null); // given a slot, status not written yet
    Task done = task("done", "claude", null, TaskPhase.COMPLETED, "done-job");
    Task next = queued("next", "claude", null);
    Task last = queued("last", "claude", null);

    var queue =
        new CapacityQueue(
            List.of(admitted, done, next, last), CLAUDE_TWO, Set.of("admitted", "done"), null);

    assertThat(queue.holders())
        .extracting(t -> t.getMetadata().getName())
        .containsExactly("admitted");
    assertThat(queue.place(next).admitted()).isTrue();
    assertThat(queue.place(last).position()).isEqualTo(1);
    assertThat(queue.place(done)).isNull();
  }

  @Test
  void aNamespaceLimitCountsEveryAgentAndATaskStuckOnItsAgentDoesNotHoldUpTheOthers() {
    Limits limits = new Limits(Map.of("claude", 1)::get, 3);
    Task claude = running("c1", "claude");
    Task gemini = running("g1", "gemini");
    Task claude2 = queued("c2", "claude", 9); // first in line, but its Agent is full
    Task gemini2 = queued("g2", "gemini", null);
    Task gemini3 = queued("g3", "gemini", null);

    var queue =
        new CapacityQueue(
            List.of(claude, gemini, claude2, gemini2, gemini3), limits, Set.of(), null);

    assertThat(queue.place(claude2))
        .isEqualTo(
            new Place(
                false, "AgentAtCapacity", 1, "1st of 1 waiting for Agent claude: 1/1 running."));
    assertThat(queue.place(gemini2).admitted()).isTrue();
    assertThat(queue.place(gemini3))
        .isEqualTo(
            new Place(
                false,
                "NamespaceAtCapacity",
                2,
                "2nd of 2 waiting in namespace team-a: 3/3 Tasks active."));
  }

  @Test
  void blockedDeletedAndStoppedTasksDoNotWaitAndADeletedTaskGivesItsSlotUp() {
    Task full = running("full", "claude");
    Task full2 = running("full2", "claude");
    Task gone = running("gone", "claude");
    gone.getMetadata().setDeletionTimestamp("2026-12-01T11:00:00Z");
    Task blocked = blocked("blocked", "claude", 9, "ContextNotFound");
    Task deleting = queued("deleting", "claude", 9);
    deleting.getMetadata().setDeletionTimestamp("2026-12-01T11:00:00Z");
    Task stopped = queued("stopped", "claude", 9);
    stopped.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.STOP, "no budget"));
    Task waiting = queued("waiting", "claude", null);

    var queue =
        new CapacityQueue(
            List.of(full, full2, gone, blocked, deleting, stopped, waiting),
            CLAUDE_TWO,
            Set.of("gone"),
            null);

    assertThat(queue.places()).containsOnlyKeys("uid-waiting");
    assertThat(queue.place(waiting).position()).isEqualTo(1);
    assertThat(queue.holders()).hasSize(2);
  }

  @Test
  void aTaskReplacingARunningOneOfItsCronTaskGoesFirst() {
    Task full = running("full", "claude");
    Task replaced = running("nightly-1", "claude");
    replaced.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.STOP, "Replaced"));
    Task urgent = queued("urgent", "claude", 9);
    Task replacing = queued("nightly-2", "claude", null);
    replacing.getMetadata().setAnnotations(Map.of(KubeTaskAnnotations.REPLACES, "nightly-1"));

    var queue =
        new CapacityQueue(List.of(full, replaced, urgent, replacing), CLAUDE_TWO, Set.of(), null);

    assertThat(queue.place(replacing).position()).isEqualTo(1);
    assertThat(queue.place(urgent).position()).isEqualTo(2);

    // Once the replaced Task has finished, its slot goes to the Task that replaced it.
    replaced.setStatus(
        new TaskStatus(
            TaskPhase.FAILED, "nightly-1-job", null, null, null, List.of(), 1L, "wf", null));
    var after =
        new CapacityQueue(List.of(full, replaced, urgent, replacing), CLAUDE_TWO, Set.of(), null);

    assertThat(after.place(replacing).admitted()).isTrue();
    assertThat(after.place(urgent).admitted()).isFalse();
  }

  @Test
  void aTaskWhoseAgentWasMissingQueuesOnceTheAgentExists() {
    Task older = blocked("older", "claude", null, "AgentNotFound");
    Task full = running("full", "claude");
    Task self = task("self", "claude", null, null, null);
    Limits oneSlot = new Limits(Map.of("claude", 2)::get, null, Set.of("claude")::contains);

    // Its status is stale (the Agent was just created): it still goes first.
    var queue = new CapacityQueue(List.of(older, full), oneSlot, Set.of(), self);
    assertThat(queue.place(older).admitted()).isTrue();
    assertThat(queue.place(self).admitted()).isFalse();

    // While the Agent is missing it could not use the slot.
    Limits noAgent = new Limits(Map.<String, Integer>of()::get, 2, Set.<String>of()::contains);
    var before = new CapacityQueue(List.of(older, full), noAgent, Set.of(), self);
    assertThat(before.place(older)).isNull();
    assertThat(before.place(self).admitted()).isTrue();
  }

  private static Task ofCronTask(Task task, String cronTask) {
    task.getMetadata().setLabels(Map.of(KubeTaskLabels.CRONTASK, cronTask));
    return task;
  }

  @Test
  void aCronTaskHoldsNoMoreThanItsFairShareWhileAnotherCronTasksTasksWait() {
    Limits four = new Limits(Map.of("claude", 4)::get, null);
    List<Task> tasks = new ArrayList<>();
    tasks.add(ofCronTask(running("a-1", "claude"), "a"));
    tasks.add(ofCronTask(running("a-2", "claude"), "a"));
    Task a3 = ofCronTask(queued("a-3", "claude", null), "a");
    Task a4 = ofCronTask(queued("a-4", "claude", null), "a");
    Task b1 = ofCronTask(queued("b-1", "claude", null), "b");
    Task b2 = ofCronTask(queued("b-2", "claude", null), "b");
    Task b3 = ofCronTask(queued("b-3", "claude", null), "b");
    tasks.addAll(List.of(a3, a4, b1, b2, b3));

    var queue = new CapacityQueue(tasks, four, Set.of(), null);

    // Two CronTasks want the Agent: a share of two slots each. a holds two already.
    assertThat(queue.place(b1).admitted()).isTrue();
    assertThat(queue.place(b2).admitted()).isTrue();
    assertThat(queue.place(a3))
        .isEqualTo(
            new Place(
                false,
                "AgentAtCapacity",
                1,
                "1st of 3 waiting for Agent claude: CronTask a has its fair share, 2 of 4 slots,"
                    + " while other CronTasks wait."));
    assertThat(queue.place(b3).message())
        .isEqualTo("3rd of 3 waiting for Agent claude: 4/4 running.");

    // With nobody else waiting, a takes what is free.
    var alone =
        new CapacityQueue(List.of(tasks.get(0), tasks.get(1), a3, a4), four, Set.of(), null);
    assertThat(alone.place(a3).admitted()).isTrue();
    assertThat(alone.place(a4).admitted()).isTrue();
  }

  @Test
  void aStartRateLetsInWhatTheLastHourLeavesAndSaysWhenTheNextTurnComes() {
    java.time.Instant now = java.time.Instant.parse("2026-12-01T12:00:00Z");
    var rate =
        new CapacityQueue.Rate(
            3,
            List.of(
                now.minusSeconds(4000), // over an hour ago: does not count
                now.minusSeconds(3000),
                now.minusSeconds(600)),
            now);
    Limits limits = new Limits(Map.<String, Integer>of()::get, null, a -> true, rate);
    Task first = queued("first", "claude", null);
    Task second = queued("second", "claude", null);
    Task third = queued("third", "claude", null);

    var queue = new CapacityQueue(List.of(first, second, third), limits, Set.of(), null);

    assertThat(queue.place(first).admitted()).isTrue();
    assertThat(queue.place(second))
        .isEqualTo(
            new Place(
                false,
                "RateLimited",
                1,
                "1st of 2 waiting in namespace team-a: 3/3 Tasks started in the last hour; the"
                    + " next may start at 2026-12-01T12:10:00Z.",
                now.plusSeconds(600)));
    assertThat(queue.place(third).retryAt()).isEqualTo(now.plusSeconds(3000));
  }

  @Test
  void unlimitedAgentsTakeNoSlotFromTheLimitedOnes() {
    Task other = running("other", "gemini");
    Task mine = queued("mine", "claude", null);

    var queue = new CapacityQueue(List.of(other, mine), CLAUDE_TWO, Set.of(), null);

    // The running Task of another Agent holds a slot of the namespace, none of claude's.
    assertThat(queue.holders()).extracting(t -> t.getMetadata().getName()).containsExactly("other");
    assertThat(queue.place(mine).admitted()).isTrue();
  }

  @Test
  void ordinalsReadAsEnglish() {
    assertThat(List.of(1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111))
        .extracting(CapacityQueue::ordinal)
        .containsExactly(
            "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th");
  }
}
