package io.kubetask.workflows.crontask;

/** The input of a CronTask run workflow: which CronTask fired. */
public record CronTaskRef(String namespace, String name, String uid) {
  /** What every CronTask Schedule id starts with. */
  public static final String SCHEDULE_ID_PREFIX = "crontask/";

  /** The id of the CronTask's Temporal Schedule. */
  public String scheduleId() {
    return SCHEDULE_ID_PREFIX + namespace + "/" + name;
  }

  /**
   * The workflow id the Schedule gives its runs; Temporal appends the scheduled time, e.g. {@code
   * crontask-run/ns/name-2025-12-10T09:00:00Z}.
   */
  public String runWorkflowIdPrefix() {
    return "crontask-run/" + namespace + "/" + name;
  }
}
