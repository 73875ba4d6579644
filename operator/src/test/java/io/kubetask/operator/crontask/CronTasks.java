package io.kubetask.operator.crontask;

import io.kubetask.api.v1alpha1.ConcurrencyPolicy;
import io.kubetask.api.v1alpha1.Context;
import io.kubetask.api.v1alpha1.CronTask;
import io.kubetask.api.v1alpha1.CronTaskSpec;
import io.kubetask.api.v1alpha1.TaskSpec;
import io.kubetask.api.v1alpha1.TaskTemplateSpec;
import java.util.List;

/** A fluent builder of CronTasks for tests. */
final class CronTasks {
  private String namespace = "team";
  private String name = "nightly";
  private String uid = "uid-1";
  private long generation = 1;
  private String schedule = "0 9 * * *";
  private String timeZone;
  private Long startingDeadlineSeconds;
  private ConcurrencyPolicy policy;
  private Boolean suspend;

  static CronTasks cronTask() {
    return new CronTasks();
  }

  CronTasks named(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
    return this;
  }

  CronTasks uid(String uid) {
    this.uid = uid;
    return this;
  }

  CronTasks generation(long generation) {
    this.generation = generation;
    return this;
  }

  CronTasks schedule(String schedule) {
    this.schedule = schedule;
    return this;
  }

  CronTasks timeZone(String timeZone) {
    this.timeZone = timeZone;
    return this;
  }

  CronTasks deadline(Long seconds) {
    this.startingDeadlineSeconds = seconds;
    return this;
  }

  CronTasks policy(ConcurrencyPolicy policy) {
    this.policy = policy;
    return this;
  }

  CronTasks suspend(boolean suspend) {
    this.suspend = suspend;
    return this;
  }

  CronTaskSpec spec() {
    return new CronTaskSpec(
        schedule,
        timeZone,
        startingDeadlineSeconds,
        policy,
        suspend,
        3,
        1,
        new TaskTemplateSpec(null, new TaskSpec(List.<Context>of(), null)));
  }

  CronTask build() {
    CronTask cronTask = new CronTask(namespace, name, spec());
    cronTask.getMetadata().setUid(uid);
    cronTask.getMetadata().setGeneration(generation);
    return cronTask;
  }
}
