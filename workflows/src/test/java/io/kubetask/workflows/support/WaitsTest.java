package io.kubetask.workflows.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WaitsTest {
  private static final String QUEUE = "waits-test";

  /** Waits three times for a signal or a minute, and says which came. */
  @WorkflowInterface
  public interface Waiter {
    @WorkflowMethod
    List<Boolean> run();

    @SignalMethod
    void poke();
  }

  public static class WaiterImpl implements Waiter {
    private boolean poked;

    @Override
    public List<Boolean> run() {
      List<Boolean> signalled = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        signalled.add(Waits.awaitOrTimeout(Duration.ofMinutes(1), () -> poked));
        poked = false;
      }
      return signalled;
    }

    @Override
    public void poke() {
      poked = true;
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(QUEUE).registerWorkflowImplementationTypes(WaiterImpl.class);
    client = env.getWorkflowClient();
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private void awaitTimersStarted(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (client.fetchHistory("waiter").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
            .count()
        < n) {
      assertThat(System.nanoTime()).as("timer %d started within 10 s", n).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aSignalCancelsTheTimerQuietlyAndATimeoutFiresIt() throws Exception {
    Waiter waiter =
        client.newWorkflowStub(
            Waiter.class,
            WorkflowOptions.newBuilder().setWorkflowId("waiter").setTaskQueue(QUEUE).build());
    WorkflowClient.start(waiter::run);
    awaitTimersStarted(1);
    waiter.poke(); // Ends the first wait.
    awaitTimersStarted(2);
    waiter.poke(); // Ends the second.
    List<Object> result =
        WorkflowStub.fromTyped(waiter).getResult(List.class); // The third times out.

    assertThat(result).containsExactly(true, true, false);
    var events = client.fetchHistory("waiter").getEvents();
    assertThat(events)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_CANCELED)
        .hasSize(2);
    assertThat(events)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_FIRED)
        .hasSize(1);
  }
}
