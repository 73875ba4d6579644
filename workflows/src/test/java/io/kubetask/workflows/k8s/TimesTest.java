package io.kubetask.workflows.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimesTest {

  @ParameterizedTest
  @CsvSource({
    "2025-12-10T09:00:00Z, 2025-12-10T09:00:00Z",
    "2025-12-10T09:00:00.250Z, 2025-12-10T09:00:00.250Z",
    "2025-12-10T10:00:00+01:00, 2025-12-10T09:00:00Z",
    "2025-12-10T04:00:00.5-05:00, 2025-12-10T09:00:00.500Z"
  })
  void readsRfc3339InAnyOffset(String rfc3339, String expected) {
    assertThat(Times.instant(rfc3339)).isEqualTo(Instant.parse(expected));
  }

  @Test
  void aMissingOrUnreadableTimeIsNull() {
    assertThat(Times.instant(null)).isNull();
    assertThat(Times.instant("")).isNull();
    assertThat(Times.instant("yesterday")).isNull();
    assertThat(Times.instant("2025-12-10")).isNull();
  }

  @Test
  void formatsInWholeSeconds() {
    assertThat(Times.format(Instant.parse("2025-12-10T09:00:00.999Z")))
        .isEqualTo("2025-12-10T09:00:00Z");
    assertThat(Times.format(Instant.parse("2025-12-10T09:00:00Z")))
        .isEqualTo("2025-12-10T09:00:00Z");
  }
}
