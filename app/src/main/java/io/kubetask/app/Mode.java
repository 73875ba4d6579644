package io.kubetask.app;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a KubeTask process runs. */
public enum Mode {
  /** The reconcilers: Tasks and CronTasks into Temporal workflows and Schedules. */
  OPERATOR("operator"),
  /** The Temporal worker: the workflows and the activities that create Jobs. */
  WORKER("worker"),
  /** Both in one process, for small installs and local use. */
  ALL_IN_ONE("all-in-one");

  private final String argument;

  Mode(String argument) {
    this.argument = argument;
  }

  public String argument() {
    return argument;
  }

  public boolean runsOperator() {
    return this != WORKER;
  }

  public boolean runsWorker() {
    return this != OPERATOR;
  }

  /** The mode named by a command-line argument (or {@code KUBETASK_MODE}). */
  public static Mode parse(String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(m -> m.argument.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown mode \"" + value + "\": use one of " + arguments()));
  }

  static String arguments() {
    return Arrays.stream(values()).map(Mode::argument).collect(Collectors.joining(", "));
  }
}
