package io.kubetask.operator.crontask;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kubetask.operator.temporal.CallDeadline;
import io.kubetask.operator.temporal.SearchAttributeRegistrar;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.crontask.CronTaskRunWorkflow;
import io.kubetask.workflows.temporal.SearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link ScheduleGateway} on Temporal's {@link ScheduleClient}. */
public class TemporalScheduleGateway implements ScheduleGateway {
  private final ScheduleClient client;
  private final WorkflowClient workflows;
  private final SearchAttributeRegistrar searchAttributes;

  public TemporalScheduleGateway(
      ScheduleClient client, WorkflowClient workflows, SearchAttributeRegistrar searchAttributes) {
    this.client = client;
    this.workflows = workflows;
    this.searchAttributes = searchAttributes;
  }

  /** A gateway on the same connection, namespace and data converter as a workflow client. */
  public static TemporalScheduleGateway of(WorkflowClient workflows) {
    ScheduleClient schedules =
        ScheduleClient.newInstance(
            workflows.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(workflows.getOptions().getNamespace())
                .setDataConverter(workflows.getOptions().getDataConverter())
                .build());
    return new TemporalScheduleGateway(
        schedules, workflows, new SearchAttributeRegistrar(workflows));
  }

  @Override
  public Optional<ScheduleDescription> describe(String scheduleId) {
    return CallDeadline.within(
        CallDeadline.CALL,
        () -> {
          try {
            return Optional.of(client.getHandle(scheduleId).describe());
          } catch (RuntimeException e) {
            if (is(e, Status.Code.NOT_FOUND)) {
              return Optional.<ScheduleDescription>empty();
            }
            throw e;
          }
        });
  }

  @Override
  public void create(String scheduleId, Schedule schedule) {
    writing(
        () -> {
          try {
            client.createSchedule(scheduleId, schedule, ScheduleOptions.newBuilder().build());
          } catch (ScheduleAlreadyRunningException e) {
            // Created since we looked (another replica, or a human): make it ours.
            client.getHandle(scheduleId).update(input -> new ScheduleUpdate(schedule));
          }
        });
  }

  @Override
  public void update(String scheduleId, Schedule schedule) {
    writing(() -> client.getHandle(scheduleId).update(input -> new ScheduleUpdate(schedule)));
  }

  @Override
  public boolean delete(String scheduleId) {
    boolean[] deleted = {true};
    CallDeadline.within(
        CallDeadline.CALL,
        () -> {
          try {
            client.getHandle(scheduleId).delete();
          } catch (RuntimeException e) {
            if (!is(e, Status.Code.NOT_FOUND)) {
              throw e;
            }
            deleted[0] = false;
          }
        });
    return deleted[0];
  }

  @Override
  public List<String> cronTaskScheduleIds() {
    return CallDeadline.within(
        CallDeadline.CALL,
        () ->
            client
                .listSchedules()
                .map(ScheduleListDescription::getScheduleId)
                .filter(id -> id.startsWith(CronTaskRef.SCHEDULE_ID_PREFIX))
                .toList());
  }

  @Override
  public void trigger(String scheduleId) {
    CallDeadline.within(CallDeadline.CALL, () -> client.getHandle(scheduleId).trigger());
  }

  @Override
  public void cancelRuns(CronTaskRef cronTask) {
    CallDeadline.within(CallDeadline.CALL, () -> cancelRunning(cronTask));
  }

  private void cancelRunning(CronTaskRef cronTask) {
    Set<String> running = new TreeSet<>();
    // The Schedule tracks its running workflows only when its overlap policy needs them (not
    // under ALLOW_ALL), so the visibility store is asked as well.
    describe(cronTask.scheduleId())
        .ifPresent(
            d ->
                d.getInfo().getRunningActions().stream()
                    .filter(ScheduleActionExecutionStartWorkflow.class::isInstance)
                    .map(a -> ((ScheduleActionExecutionStartWorkflow) a).getWorkflowId())
                    .forEach(running::add));
    String query =
        "WorkflowType = '"
            + CronTaskRunWorkflow.TYPE
            + "' AND ExecutionStatus = 'Running' AND "
            + SearchAttributes.NAMESPACE.getName()
            + " = '"
            + cronTask.namespace()
            + "' AND "
            + SearchAttributes.CRONTASK.getName()
            + " = '"
            + cronTask.name()
            + "'";
    workflows.listExecutions(query).forEach(e -> running.add(e.getExecution().getWorkflowId()));
    for (String workflowId : running) {
      try {
        workflows.newUntypedWorkflowStub(workflowId).cancel("CronTask deleted");
      } catch (WorkflowNotFoundException e) {
        // Gone or already closed: nothing to cancel.
      }
    }
  }

  /**
   * Runs a create or update. A namespace that lost KubeTask's search attributes gets them again;
   * any other invalid argument means Temporal refuses the Schedule itself.
   */
  private void writing(Runnable write) {
    CallDeadline.within(CallDeadline.CALL, () -> writingUnbounded(write));
  }

  private void writingUnbounded(Runnable write) {
    searchAttributes.retryingUnknown(
        () -> {
          try {
            write.run();
          } catch (RuntimeException e) {
            if (is(e, Status.Code.INVALID_ARGUMENT)
                && !SearchAttributeRegistrar.isUnknownSearchAttribute(e)) {
              throw new RejectedException(description(e), e);
            }
            throw e;
          }
        });
  }

  private static boolean is(Throwable e, Status.Code code) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException sre && sre.getStatus().getCode() == code) {
        return true;
      }
    }
    return false;
  }

  private static String description(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException sre) {
        return String.valueOf(sre.getStatus().getDescription());
      }
    }
    return String.valueOf(e.getMessage());
  }
}
