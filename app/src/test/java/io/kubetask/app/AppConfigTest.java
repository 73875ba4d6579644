package io.kubetask.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  @Test
  void theArgumentNamesTheModeAndWinsOverTheEnvironment() {
    var config = AppConfig.from(new String[] {"worker"}, Map.of("KUBETASK_MODE", "operator"));

    assertThat(config.mode()).isEqualTo(Mode.WORKER);
    assertThat(config.httpAddress()).isEqualTo(new InetSocketAddress(8080));
  }

  @Test
  void theEnvironmentNamesTheModeWithoutArguments() {
    var config =
        AppConfig.from(
            new String[0],
            Map.of("KUBETASK_MODE", "All-In-One", "KUBETASK_HTTP_ADDRESS", "127.0.0.1:8082"));

    assertThat(config.mode()).isEqualTo(Mode.ALL_IN_ONE);
    assertThat(config.mode().runsOperator()).isTrue();
    assertThat(config.mode().runsWorker()).isTrue();
    assertThat(config.httpAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 8082));
  }

  @Test
  void eachModeRunsItsPart() {
    assertThat(Mode.parse("operator").runsWorker()).isFalse();
    assertThat(Mode.parse("worker").runsOperator()).isFalse();
  }

  @Test
  void rejectsAMissingOrUnknownModeAndABadAddress() {
    assertThatThrownBy(() -> AppConfig.from(new String[0], Map.of()))
        .hasMessageContaining("no mode: give one of operator, worker, all-in-one");
    assertThatThrownBy(() -> AppConfig.from(new String[] {"controller"}, Map.of()))
        .hasMessageContaining("unknown mode \"controller\"");
    assertThatThrownBy(
            () ->
                AppConfig.from(
                    new String[] {"worker"}, Map.of("KUBETASK_HTTP_ADDRESS", "localhost")))
        .hasMessageContaining("KUBETASK_HTTP_ADDRESS must be [host]:port");
    assertThatThrownBy(() -> AppConfig.address(":99999"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
