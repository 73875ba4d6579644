package io.kubetask.operator.crontask;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.temporal.client.schedules.Schedule;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrphanSchedulesTest {
  private KubernetesMockServer server;
  private KubernetesClient client;
  private final FakeScheduleGateway schedules = new FakeScheduleGateway();

  @BeforeEach
  void setUp() {
    server = MergePatchCrudDispatcher.startServer();
    server.expectCustomResource(
        CustomResourceDefinitionContext.fromCustomResourceType(CronTask.class));
    client = server.createClient();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  void deletesTheSchedulesOfCronTasksThatAreGoneInTheNamespacesItWatches() {
    CronTask nightly = client.resource(CronTasks.cronTask().build()).create(); // team/nightly
    Schedule any = CronTaskSchedules.toSchedule(nightly, "kubetask");
    for (String id : Set.of("crontask/team/nightly", "crontask/team/gone", "crontask/other/gone")) {
      schedules.schedules.put(id, any);
    }
    var orphans =
        new OrphanSchedules(schedules, client, Set.of("team")::contains, Duration.ofMinutes(5));

    assertThat(orphans.sweep()).isEqualTo(1);
    assertThat(orphans.sweep()).isZero();

    assertThat(schedules.schedules.keySet())
        .containsExactlyInAnyOrder("crontask/team/nightly", "crontask/other/gone");
    assertThat(schedules.calls).containsExactly("delete crontask/team/gone");
  }
}
