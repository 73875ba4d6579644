package io.kubetask.workflows.crontask;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

class CronTaskRecordsTest {
  private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  private static <T> T roundTrip(T value, Class<T> type) {
    return CONVERTER.fromPayload(CONVERTER.toPayload(value).orElseThrow(), type, type);
  }

  @Test
  void recordsSurviveWorkflowHistory() {
    CronTaskRef ref = new CronTaskRef("ns", "nightly", "uid");
    assertThat(roundTrip(ref, CronTaskRef.class)).isEqualTo(ref);
    CronTaskFire fire =
        new CronTaskFire(ref, 1733821200L, "crontask-run/ns/nightly-2024-12-10T09:00:00Z");
    assertThat(roundTrip(fire, CronTaskFire.class)).isEqualTo(fire);
    for (FireResult result :
        new FireResult[] {FireResult.created("a", "b"), FireResult.gone(), FireResult.rejected()}) {
      assertThat(roundTrip(result, FireResult.class)).isEqualTo(result);
    }
  }

  @Test
  void namesAndIds() {
    CronTaskRef ref = new CronTaskRef("team", "daily-report", "u");
    assertThat(ref.scheduleId()).isEqualTo("crontask/team/daily-report");
    assertThat(ref.runWorkflowIdPrefix()).isEqualTo("crontask-run/team/daily-report");
    assertThat(new CronTaskFire(ref, 1733821200L, "r").taskName())
        .isEqualTo("daily-report-1733821200");
  }
}
