package io.kubetask.e2e.crontask;

import static io.kubetask.e2e.crontask.CronTaskWorld.COMPLETE;
import static io.kubetask.e2e.crontask.CronTaskWorld.scheduledAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kubetask.api.KubeTaskLabels;
import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fire lateness of an every-minute CronTask: from the scheduled time to the moment a watch on Tasks
 * sees the fire's Task (millisecond resolution; creationTimestamp only has seconds). Not an E2E
 * suite (it takes fires + 1 minutes); run it on purpose:
 *
 * <pre>mvn -pl e2e verify -Dit.test=CronTaskLatencyBenchmark -Dkubetask.benchmark.fires=10</pre>
 */
class CronTaskLatencyBenchmark {
  @RegisterExtension static final CronTaskWorld world = new CronTaskWorld();

  @Test
  void fireLateness() {
    int fires = Integer.getInteger("kubetask.benchmark.fires", 10);
    Map<String, Instant> seen = new ConcurrentHashMap<>();
    Map<String, Task> tasks = new ConcurrentHashMap<>();
    try (Watch watch =
        world
            .client
            .resources(Task.class)
            .inNamespace(world.ns())
            .withLabel(KubeTaskLabels.CRONTASK, "bench")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Task task) {
                    seen.putIfAbsent(task.getMetadata().getName(), Instant.now());
                    tasks.putIfAbsent(task.getMetadata().getName(), task);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      world.create("bench", CronTaskWorld.spec("* * * * *", ConcurrencyPolicy.ALLOW, COMPLETE));
      await("a Task for each of " + fires + " fires")
          .atMost(Duration.ofMinutes(fires + 2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> seen.size() >= fires);
    }
    List<Long> lateness = new ArrayList<>();
    for (var e : seen.entrySet()) {
      long ms = Duration.between(scheduledAt(tasks.get(e.getKey())), e.getValue()).toMillis();
      lateness.add(ms);
      System.out.println(
          "KubeTask benchmark: " + e.getKey() + " seen " + ms + " ms after its scheduled time");
    }
    lateness.sort(null);
    assertThat(lateness).hasSizeGreaterThanOrEqualTo(fires);
    double median =
        lateness.size() % 2 == 1
            ? lateness.get(lateness.size() / 2)
            : (lateness.get(lateness.size() / 2 - 1) + lateness.get(lateness.size() / 2)) / 2.0;
    System.out.println(
        "KubeTask benchmark: fire lateness over "
            + lateness.size()
            + " fires: median "
            + median
            + " ms, max "
            + lateness.get(lateness.size() - 1)
            + " ms, min "
            + lateness.get(0)
            + " ms");
  }
}
