package io.kubetask.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * KubeTask's logging, set up in code: one line per event on standard output, naming the resource it
 * is about (the operator's reconciliations, through JOSDK's MDC, and the worker's activities,
 * through {@code ResourceLoggingInterceptor}, use the same two keys). Logback finds it through
 * {@code META-INF/services}; an XML configuration would load its parser, about 600 classes and
 * their metadata in every process, for the same six settings.
 *
 * <p>A configuration of one's own still wins: {@code -Dlogback.configurationFile=...}, or a {@code
 * logback-test.xml} on the class path (tests that run KubeTask in their own JVM).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36}"
          + " %X{resource.namespace}/%X{resource.name} - %msg%n";

  /** Libraries that say too much at INFO (and, for fabric8, warn at every v1alpha1 kind). */
  static final Map<String, Level> QUIETER =
      Map.of(
          "io.temporal", Level.WARN,
          "io.grpc", Level.WARN,
          "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    configure(context, System.getenv("KUBETASK_LOG_LEVEL"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Sets up {@code context}.
   *
   * @param level the root level, {@code KUBETASK_LOG_LEVEL}; INFO when unset, and INFO with a
   *     warning when it is not a level
   */
  static void configure(LoggerContext context, String level) {
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    var stdout = new ConsoleAppender<ILoggingEvent>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Level rootLevel = level == null ? Level.INFO : Level.toLevel(level.strip(), null);
    root.setLevel(rootLevel == null ? Level.INFO : rootLevel);
    root.addAppender(stdout);
    QUIETER.forEach((name, quieter) -> context.getLogger(name).setLevel(quieter));
    if (rootLevel == null) {
      context
          .getLogger(LogSetup.class)
          .warn(
              "KUBETASK_LOG_LEVEL \"{}\" is not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF):"
                  + " logging at INFO",
              level);
    }
  }
}
