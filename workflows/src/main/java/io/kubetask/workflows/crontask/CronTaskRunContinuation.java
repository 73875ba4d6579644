package io.kubetask.workflows.crontask;

/**
 * What a CronTask run carries into its next run when it continues as new: the fire and the Task it
 * waits for. A Schedule starts runs without it (null).
 */
public record CronTaskRunContinuation(CronTaskFire fire, FireResult task) {}
