package io.kubetask.operator.crontask;

import static io.kubetask.operator.crontask.CronTasks.cronTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.operator.observability.OperatorMetrics;
import io.kubetask.operator.temporal.FinalizerDeadline;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconciler tells the metrics what its Schedule skipped and missed, each fire once. */
class CronTaskFireMetricsTest {
  private final KubernetesMockServer server = MergePatchCrudDispatcher.startServer();
  private final KubernetesClient client = server.createClient();

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  void skippedAndMissedFiresAreCountedOnce() {
    var registry = new SimpleMeterRegistry();
    var schedules = new FakeScheduleGateway();
    var reconciler =
        new CronTaskReconciler(
            schedules,
            client,
            "kubetask",
            new FinalizerDeadline(
                Duration.ofSeconds(60),
                Clock.fixed(Instant.parse("2025-12-10T09:30:00Z"), ZoneOffset.UTC)),
            Duration.ofMinutes(5),
            new OperatorMetrics(registry));
    client.resource(cronTask().build()).create();

    reconciler.reconcile(current(), context());
    schedules.skipped = 2;
    schedules.missed = 1;
    reconciler.reconcile(current(), context());
    reconciler.reconcile(current(), context());

    assertThat(fires(registry, "skipped")).isEqualTo(2);
    assertThat(fires(registry, "missed")).isEqualTo(1);
  }

  private CronTask current() {
    return client.resources(CronTask.class).inNamespace("team").withName("nightly").get();
  }

  @SuppressWarnings("unchecked")
  private static Context<CronTask> context() {
    Context<CronTask> context = mock(Context.class);
    when(context.getSecondaryResources(Task.class)).thenReturn(Set.of());
    return context;
  }

  private static double fires(SimpleMeterRegistry registry, String outcome) {
    return registry.get("kubetask.crontask.fires").tag("outcome", outcome).counter().count();
  }
}
