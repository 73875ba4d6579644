package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepAliveWindowTest {
  private static final long T0 = 1_748_779_200_000L; // 2025-06-01T12:00:00Z
  private static final Duration RECHECK = Duration.ofMinutes(4);

  @Test
  void anAgentWithoutAWindowNeverOpensOne() {
    KeepAliveWindow window = KeepAliveWindow.notOpened(0);

    assertThat(window.enabled()).isFalse();
    assertThat(window.opensOn(JobObservation.running())).isFalse();
    assertThat(window.holdsPod()).isFalse();
    assertThat(window.mustRelease(true, T0)).isFalse();
    assertThat(window.nextWakeUp(RECHECK, T0)).isEqualTo(RECHECK);
  }

  @Test
  void beforeTheAgentEndsTheWindowWaitsForTheRecheckOnly() {
    KeepAliveWindow window = KeepAliveWindow.notOpened(600);

    assertThat(window.enabled()).isTrue();
    assertThat(window.opened()).isFalse();
    assertThat(window.opensOn(JobObservation.running())).isFalse();
    assertThat(window.mustRelease(true, T0 + 10_000_000)).isFalse();
    assertThat(window.nextWakeUp(RECHECK, T0)).isEqualTo(RECHECK);
  }

  @Test
  void theWindowClosesKeepAliveSecondsAfterTheRecordedEndOfTheAgent() {
    KeepAliveWindow window =
        KeepAliveWindow.notOpened(600).open(JobObservation.agentDone(T0), T0 + 100_000);

    assertThat(window).isEqualTo(new KeepAliveWindow(600, T0 + 600_000, false));
    assertThat(window.holdsPod()).isTrue();
  }

  @Test
  void anUnrecordedEndOfTheAgentCountsFromNow() {
    KeepAliveWindow window =
        KeepAliveWindow.notOpened(600).open(JobObservation.agentDone(), T0 + 100_000);

    assertThat(window.closesAtEpochMillis()).isEqualTo(T0 + 700_000);
  }

  @Test
  void onlyTheFirstAgentDoneOpensTheWindow() {
    KeepAliveWindow window = KeepAliveWindow.notOpened(600);
    assertThat(window.opensOn(JobObservation.agentDone(T0))).isTrue();

    KeepAliveWindow open = window.open(JobObservation.agentDone(T0), T0);

    assertThat(open.opensOn(JobObservation.agentDone(T0 + 5_000))).isFalse();
    assertThat(open.opensOn(JobObservation.running())).isFalse();
    assertThat(open.withPodReleased().opensOn(JobObservation.agentDone())).isFalse();
  }

  @Test
  void thePodIsReleasedOnTheSignalOrAtTheClosingTime() {
    KeepAliveWindow open = new KeepAliveWindow(600, T0 + 600_000, false);

    assertThat(open.mustRelease(false, T0 + 599_999)).isFalse();
    assertThat(open.mustRelease(false, T0 + 600_000)).isTrue();
    assertThat(open.mustRelease(false, T0 + 900_000)).isTrue();
    assertThat(open.mustRelease(true, T0)).isTrue();
  }

  @Test
  void aReleasedPodIsNotReleasedAgain() {
    KeepAliveWindow released = new KeepAliveWindow(600, T0 + 600_000, false).withPodReleased();

    assertThat(released).isEqualTo(new KeepAliveWindow(600, T0 + 600_000, true));
    assertThat(released.opened()).isTrue();
    assertThat(released.holdsPod()).isFalse();
    assertThat(released.mustRelease(true, T0 + 900_000)).isFalse();
    assertThat(released.nextWakeUp(RECHECK, T0 + 599_000)).isEqualTo(RECHECK);
  }

  @Test
  void anOpenWindowWakesAtItsClosingTimeWhenThatComesBeforeTheRecheck() {
    KeepAliveWindow open = new KeepAliveWindow(600, T0 + 600_000, false);

    assertThat(open.nextWakeUp(RECHECK, T0)).isEqualTo(RECHECK);
    assertThat(open.nextWakeUp(RECHECK, T0 + 360_000)).isEqualTo(Duration.ofMinutes(4));
    assertThat(open.nextWakeUp(RECHECK, T0 + 400_001)).isEqualTo(Duration.ofMillis(199_999));
    assertThat(open.nextWakeUp(RECHECK, T0 + 600_000)).isEqualTo(Duration.ZERO);
    // Past the closing time (a release that has not happened yet): wake at once, never negative.
    assertThat(open.nextWakeUp(RECHECK, T0 + 700_000)).isEqualTo(Duration.ZERO);
  }
}
