package io.kubetask.operator.crontask;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubetask.api.KubeTaskAnnotations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of run-now; its patches and Events are covered by {@link CronTaskReconcilerTest}.
 */
class RunNowHandlerTest {

  @Test
  void runNowWaitsForASecondOfItsOwn() {
    Instant now = Instant.parse("2025-12-10T09:00:15.300Z");
    assertThat(RunNowHandler.delay(FakeScheduleGateway.info(0, 0, List.of(), List.of()), now))
        .isZero();
    // The last fire was this second: wait into the next one.
    assertThat(
            RunNowHandler.delay(
                FakeScheduleGateway.info(
                    0, 0, List.of(Instant.parse("2025-12-10T09:00:15.100Z")), List.of()),
                now))
        .isEqualTo(Duration.ofMillis(900));
    assertThat(
            RunNowHandler.delay(
                FakeScheduleGateway.info(
                    0, 0, List.of(Instant.parse("2025-12-10T09:00:10Z")), List.of()),
                now))
        .isZero();
    // A fire is due in a moment: let it go first.
    assertThat(
            RunNowHandler.delay(
                FakeScheduleGateway.info(
                    0, 0, List.of(), List.of(Instant.parse("2025-12-10T09:00:16Z"))),
                now))
        .isEqualTo(Duration.ofMillis(1900));
    assertThat(
            RunNowHandler.delay(
                FakeScheduleGateway.info(
                    0, 0, List.of(), List.of(Instant.parse("2025-12-10T09:01:00Z"))),
                now))
        .isZero();
  }

  @Test
  void runNowNeverGoesAtTheTurnOfAMinuteWhereCalendarFiresAre() {
    var none = FakeScheduleGateway.info(0, 0, List.of(), List.of());
    assertThat(RunNowHandler.delay(none, Instant.parse("2025-12-10T09:00:59.100Z")))
        .isEqualTo(Duration.ofMillis(2100));
    assertThat(RunNowHandler.delay(none, Instant.parse("2025-12-10T09:01:00.400Z")))
        .isEqualTo(Duration.ofMillis(800));
    assertThat(RunNowHandler.delay(none, Instant.parse("2025-12-10T09:01:01.400Z"))).isZero();
    // A fire of this minute's turn was just handled: the trigger goes after it, off the turn.
    assertThat(
            RunNowHandler.delay(
                FakeScheduleGateway.info(
                    0, 0, List.of(Instant.parse("2025-12-10T09:01:00Z")), List.of()),
                Instant.parse("2025-12-10T09:01:00.300Z")))
        .isEqualTo(Duration.ofMillis(900));
  }

  @Test
  void theAnnotationIsRemovedWithANull() {
    assertThat(RunNowHandler.removal(KubeTaskAnnotations.RUN_NOW))
        .isEqualTo("{\"metadata\":{\"annotations\":{\"kubetask.io/run-now\":null}}}");
  }
}
