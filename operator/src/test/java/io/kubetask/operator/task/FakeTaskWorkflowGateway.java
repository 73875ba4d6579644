package io.kubetask.operator.task;

import io.kubetask.workflows.task.TaskRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the calls it gets; can be told to fail like an unreachable Temporal. */
public class FakeTaskWorkflowGateway implements TaskWorkflowGateway {

  /** One call: {@code ensureStarted}, {@code signal} (with its signal) or {@code terminate}. */
  public record Call(String method, TaskWorkflowTarget target, TaskRef ref, Signal signal) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public volatile RuntimeException failure;

  @Override
  public void ensureStarted(TaskWorkflowTarget target) {
    record(new Call("ensureStarted", target, target.ref(), null));
  }

  @Override
  public void signal(TaskWorkflowTarget target, Signal signal) {
    record(new Call("signal", target, target.ref(), signal));
  }

  @Override
  public void terminate(TaskRef ref) {
    record(new Call("terminate", null, ref, null));
  }

  @Override
  public void taskGone(String cronTaskRunWorkflowId) {
    record(new Call("taskGone " + cronTaskRunWorkflowId, null, null, null));
  }

  public List<String> summary() {
    return calls.stream()
        .map(c -> c.signal() == null ? c.method() : c.method() + " " + describe(c.signal()))
        .toList();
  }

  private static String describe(Signal signal) {
    return signal.reason() == null
        ? signal.kind().name()
        : signal.kind() + "(" + signal.reason() + ")";
  }

  private void record(Call call) {
    if (failure != null) {
      throw failure;
    }
    calls.add(call);
  }
}
