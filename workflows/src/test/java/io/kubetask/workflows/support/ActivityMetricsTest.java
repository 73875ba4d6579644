package io.kubetask.workflows.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.Task;
import io.kubetask.api.v1alpha1.TaskPhase;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskStatus;
import io.kubetask.api.v1alpha1.TaskTemplateSpec;
import io.kubetask.testing.MergePatchCrudDispatcher;
import io.kubetask.workflows.crontask.CronTaskActivitiesImpl;
import io.kubetask.workflows.crontask.CronTaskFire;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.task.ActivitySettings;
import io.kubetask.workflows.task.FailedCreates;
import io.kubetask.workflows.task.Outcome;
import io.kubetask.workflows.task.TaskActivitiesImpl;
import io.kubetask.workflows.task.TaskRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The activities report each finished Task and each created CronTask fire once, retries aside. */
class ActivityMetricsTest {
  private static final String NS = "team-a";
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private final List<String> reported = new ArrayList<>();
  private final ActivityMetrics metrics =
      new ActivityMetrics() {
        @Override
        public void taskFinished(boolean succeeded, Duration runTime) {
          reported.add("finished " + succeeded + " " + runTime);
        }

        @Override
        public void cronTaskFireCreated() {
          reported.add("fire created");
        }
      };
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void setUp() {
    server = MergePatchCrudDispatcher.startServer();
    client = server.createClient();
    for (Class<? extends CustomResource<?, ?>> type : List.of(Task.class, CronTask.class)) {
      server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
    }
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  void aFinishedTaskIsReportedOnceWithItsRunTime() {
    var activities = taskActivities();
    TaskRef ran = task("ran", NOW.minus(Duration.ofMinutes(3)).toString());
    TaskRef neverRan = task("never-ran", null);

    activities.finish(ran, Outcome.succeeded("Completed", "ok"));
    activities.finish(ran, Outcome.succeeded("Completed", "ok"));
    activities.finish(neverRan, Outcome.failed("AgentNotFound", "no agent"));

    assertThat(reported).containsExactly("finished true PT3M", "finished false null");
  }

  @Test
  void aRunOfLessThanASecondIsReportedWithARunTimeOfZero() {
    // completionTime has whole seconds; a startTime written with fractions (as earlier versions
    // did) lies after it when the agent ran for less than a second.
    var activities = taskActivities(NOW.plusMillis(900));
    TaskRef quick = task("quick", NOW.plusMillis(400).toString());

    activities.finish(quick, Outcome.succeeded("Completed", "ok"));

    assertThat(reported).containsExactly("finished true PT0S");
  }

  @Test
  void aCreatedFireIsReportedButNotItsRetry() {
    var activities = new CronTaskActivitiesImpl(client, Clock.fixed(NOW, ZoneOffset.UTC), metrics);
    var spec =
        new CronTaskSpec(
            "0 9 * * *",
            null,
            null,
            ConcurrencyPolicy.FORBID,
            false,
            1,
            1,
            new TaskTemplateSpec(null, new TaskSpec(List.of(), null)));
    CronTask cron = client.resource(new CronTask(NS, "nightly", spec)).create();
    var fire =
        new CronTaskFire(
            new CronTaskRef(NS, "nightly", cron.getMetadata().getUid()), 100L, "run-1");

    activities.createTask(fire);
    activities.createTask(fire);

    assertThat(reported).containsExactly("fire created");
  }

  private TaskActivitiesImpl taskActivities() {
    return taskActivities(NOW);
  }

  private TaskActivitiesImpl taskActivities(Instant now) {
    return new TaskActivitiesImpl(
        client,
        new ActivitySettings("agent:1", "default", null),
        Clock.fixed(now, ZoneOffset.UTC),
        metrics,
        FailedCreates.listing(client));
  }

  private TaskRef task(String name, String startTime) {
    Task created = client.resource(new Task(NS, name, new TaskSpec(List.of(), null))).create();
    created.setStatus(
        new TaskStatus(
            startTime == null ? TaskPhase.PENDING : TaskPhase.RUNNING,
            null,
            startTime,
            null,
            null,
            null,
            null,
            null,
            null));
    client.resource(created).updateStatus();
    return new TaskRef(NS, name, created.getMetadata().getUid());
  }
}
