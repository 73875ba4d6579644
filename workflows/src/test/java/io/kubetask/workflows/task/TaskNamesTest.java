package io.kubetask.workflows.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskNamesTest {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  private static final String UID = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
  private static final String OTHER_UID = "9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b";

  /** A valid Task name of exactly {@code length} characters built from {@code pattern}. */
  static String name(int length, String pattern) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      sb.append(pattern);
    }
    String s = sb.substring(0, length);
    // A DNS subdomain starts and ends alphanumeric, with no ".-", "-." or "..".
    char[] c = s.toCharArray();
    c[0] = 'a';
    c[length - 1] = 'z';
    for (int i = 1; i < length - 1; i++) {
      if ((c[i] == '.' || c[i] == '-') && (c[i - 1] == '.' || c[i - 1] == '-')) {
        c[i] = 'q';
      }
      if (c[i] == '.' && c[i + 1] == '-') {
        c[i + 1] = 'q';
      }
    }
    String name = new String(c);
    assertThat(name).hasSize(length).matches(DNS_SUBDOMAIN);
    return name;
  }

  static Stream<String> longNames() {
    return Stream.of(54, 55, 63, 100, 253)
        .flatMap(
            n ->
                Stream.of(
                    name(n, "abcdefghij"),
                    name(n, "agent-task-"),
                    name(n, "a.b-c.d0"),
                    // the cut at 45 characters lands on '-' or '.'
                    name(44, "x") + (n > 45 ? "." + name(n - 45, "y") : "z"),
                    name(44, "x") + (n > 45 ? "-" + name(n - 45, "y") : "z")))
        .filter(s -> s.matches(DNS_SUBDOMAIN.pattern()));
  }

  @ParameterizedTest
  @MethodSource("longNames")
  void objectNamesStayValidWithin63Characters(String taskName) {
    String name = TaskNames.objectName(taskName, UID);

    assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_SUBDOMAIN).endsWith("-0a1b2c3d");
    // A Job name becomes a pod label value (job-name).
    assertThat(name).matches(LABEL_VALUE);
    assertThat(TaskNames.objectName(taskName, UID)).isEqualTo(name);
    assertThat(TaskNames.objectName(taskName, OTHER_UID)).isNotEqualTo(name).endsWith("-9f8e7d6c");

    AgentRun r = AgentRuns.run().task(new TaskRef("ns", taskName, UID)).file("/x", "x").build();
    Job job = TaskJobs.desired(r);
    ConfigMap cm = TaskConfigMaps.desired(r);
    assertThat(job.getMetadata().getName()).isEqualTo(name);
    assertThat(cm.getMetadata().getName()).isEqualTo(name);
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels().values())
        .allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE));
    assertThat(job.getMetadata().getLabels().values())
        .allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE));
    // The owner reference keeps the full name.
    assertThat(job.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo(taskName);
  }

  @Test
  void shortNamesAreKeptAsIs() {
    assertThat(TaskNames.objectName("fix-bug", UID)).isEqualTo("fix-bug-0a1b2c3d");
    assertThat(TaskNames.labelValue("fix-bug")).isEqualTo("fix-bug");
    String fiftyFour = name(54, "abc-");
    assertThat(TaskNames.objectName(fiftyFour, UID)).isEqualTo(fiftyFour + "-0a1b2c3d").hasSize(63);
    String sixtyThree = name(63, "abc-");
    assertThat(TaskNames.labelValue(sixtyThree)).isEqualTo(sixtyThree);
  }

  @Test
  void fiftyFiveCharactersAreCutAndHashed() {
    String name = name(55, "abcdefghij");
    String object = TaskNames.objectName(name, UID);

    assertThat(object).hasSize(63).startsWith(name.substring(0, 45) + "-").endsWith("-0a1b2c3d");
    assertThat(object.substring(46, 54)).matches("[0-9a-f]{8}");
  }

  @ParameterizedTest
  @ValueSource(ints = {54, 55, 63, 64, 100, 253})
  void labelValuesStayWithin63(int length) {
    String value = TaskNames.labelValue(name(length, "team.agent-"));

    assertThat(value).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE);
    assertThat(TaskNames.labelValue(name(length, "team.agent-"))).isEqualTo(value);
  }

  @Test
  void distinctLongNamesWithACommonPrefixStayDistinct() {
    String prefix = name(60, "shared-prefix-");
    List<String> names =
        List.of(prefix + "-one", prefix + "-two", prefix + "-three", prefix + "1", prefix + "2");
    Set<String> objects = new HashSet<>();
    Set<String> labels = new HashSet<>();
    for (String n : names) {
      objects.add(TaskNames.objectName(n, UID));
      labels.add(TaskNames.labelValue(n));
    }
    assertThat(objects).hasSize(names.size());
    assertThat(labels).hasSize(names.size());
  }

  @Test
  void uidDashesAreSkipped() {
    assertThat(TaskNames.objectName("t", "0a1b-2c3d-4e5f")).isEqualTo("t-0a1b2c3d");
  }
}
