package io.kubetask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.workflows.crontask.CronTaskFire;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.task.TaskRef;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ResourceLoggingInterceptorTest {
  private final List<String> seen = new ArrayList<>();
  private final ActivityInboundCallsInterceptor activity =
      new ResourceLoggingInterceptor()
          .interceptActivity(
              new ActivityInboundCallsInterceptor() {
                @Override
                public void init(ActivityExecutionContext context) {}

                @Override
                public ActivityOutput execute(ActivityInput input) {
                  seen.add(MDC.get("resource.namespace") + "/" + MDC.get("resource.name"));
                  return new ActivityOutput(null);
                }
              });

  @Test
  void namesTheTaskOrCronTaskWhileTheActivityRuns() {
    run(new TaskRef("team-a", "review", "uid-1"), "job-1");
    run(new CronTaskRef("team-b", "nightly", "uid-2"));
    run(new CronTaskFire(new CronTaskRef("team-c", "hourly", "uid-3"), 100L, "run-1"));
    run("something else");

    assertThat(seen)
        .containsExactly("team-a/review", "team-b/nightly", "team-c/hourly", "null/null");
    assertThat(MDC.getCopyOfContextMap())
        .satisfiesAnyOf(m -> assertThat(m).isNull(), m -> assertThat(m).isEmpty());
  }

  private void run(Object... arguments) {
    activity.execute(
        new ActivityInboundCallsInterceptor.ActivityInput(new Header(Map.of()), arguments));
  }
}
