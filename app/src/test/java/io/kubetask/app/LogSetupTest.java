package io.kubetask.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {
  @Test
  void logbackFindsItAndConfiguresTheProcess() {
    assertThat(ServiceLoader.load(Configurator.class))
        .anySatisfy(configurator -> assertThat(configurator).isInstanceOf(LogSetup.class));
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(context.getLogger("io.temporal").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
  }

  @Test
  void theRootLevelComesFromTheSettingAndLibrariesStayQuieter() {
    LoggerContext context = new LoggerContext();
    LogSetup.configure(context, " debug ");

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
    assertThat(
            context
                .getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
                .getEffectiveLevel())
        .isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.kubetask.operator").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
  }

  @Test
  void unsetTheRootLogsInfo() {
    LoggerContext context = new LoggerContext();
    LogSetup.configure(context, null);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void aLevelThatIsNoneLogsInfoAndSaysSo() {
    LoggerContext context = new LoggerContext();
    var seen = new ListAppender<ILoggingEvent>();
    seen.setContext(context);
    seen.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);

    LogSetup.configure(context, "loud");

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(seen.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .isEqualTo(
                      "KUBETASK_LOG_LEVEL \"loud\" is not a level (TRACE, DEBUG, INFO, WARN,"
                          + " ERROR, OFF): logging at INFO");
            });
  }

  @Test
  void aLineNamesTheResourceItIsAbout() {
    LoggerContext context = new LoggerContext();
    LogSetup.configure(context, "INFO");
    Logger logger = context.getLogger("io.kubetask.operator.task.TaskReconciler");
    var event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "Started", null, null);
    event.setMDCPropertyMap(Map.of("resource.namespace", "team-a", "resource.name", "fix-bug"));

    var stdout =
        (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
    @SuppressWarnings("unchecked")
    var encoder =
        (ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent>)
            stdout.getEncoder();
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line)
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  \\[\\S+\\]"
                + " i\\.k\\.operator\\.task\\.TaskReconciler team-a/fix-bug - Started\\R");
  }
}
