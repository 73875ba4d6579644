package io.kubetask.e2e.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples of the Prometheus text exposition format (version 0.0.4), enough to check values. */
public record PrometheusText(List<Sample> samples) {
  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** One sample line: name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
    return new PrometheusText(List.copyOf(samples));
  }

  /** The value of the one sample with this name whose labels include {@code labels}. */
  public Optional<Double> value(String name, Map<String, String> labels) {
    List<Sample> matching = matching(name, labels);
    if (matching.size() > 1) {
      throw new AssertionError(matching.size() + " samples " + name + labels + ": " + matching);
    }
    return matching.stream().findFirst().map(Sample::value);
  }

  public double value(String name, String... labelPairs) {
    Map<String, String> labels = labels(labelPairs);
    return value(name, labels)
        .orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + names()));
  }

  /** How much a counter grew since {@code before} (absent there counts as 0). */
  public double delta(PrometheusText before, String name, String... labelPairs) {
    return value(name, labelPairs) - before.value(name, labels(labelPairs)).orElse(0.0);
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }

  /** KubeTask's count of a controller's reconciliations that ended with {@code result}. */
  public double reconciles(String controller, String result) {
    return value(
        "kubetask_reconcile_total",
        "controller",
        controller,
        "operation",
        "reconcile",
        "result",
        result);
  }

  /** Sum over every sample with this name whose labels include {@code labels}. */
  public double sum(String name, Map<String, String> labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  public List<String> names() {
    return samples.stream().map(Sample::name).distinct().sorted().toList();
  }

  private List<Sample> matching(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }
}
