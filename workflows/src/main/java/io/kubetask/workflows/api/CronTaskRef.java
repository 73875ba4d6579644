package io.kubetask.workflows.api;

/** The input of a CronTask run workflow: which CronTask fired. */
public record CronTaskRef(String namespace, String name, String uid) {

  /** The id of the CronTask's Temporal Schedule. */
  public String scheduleId() {
    return "crontask/" + namespace + "/" + name;
  }
}
