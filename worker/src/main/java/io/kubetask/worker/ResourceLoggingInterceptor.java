package io.kubetask.worker;

import io.kubetask.workflows.crontask.CronTaskFire;
import io.kubetask.workflows.crontask.CronTaskRef;
import io.kubetask.workflows.task.TaskRef;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import org.slf4j.MDC;

/**
 * Puts the namespace and name of the Task or CronTask an activity works on into the logging MDC,
 * under the keys JOSDK uses for the operator's reconciliations, so both processes' log lines name
 * the resource the same way.
 */
public final class ResourceLoggingInterceptor extends WorkerInterceptorBase {
  public static final String NAMESPACE = "resource.namespace";
  public static final String NAME = "resource.name";

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      @Override
      public ActivityOutput execute(ActivityInput input) {
        String[] resource = resource(input.getArguments());
        if (resource == null) {
          return super.execute(input);
        }
        MDC.put(NAMESPACE, resource[0]);
        MDC.put(NAME, resource[1]);
        try {
          return super.execute(input);
        } finally {
          MDC.remove(NAMESPACE);
          MDC.remove(NAME);
        }
      }
    };
  }

  /** Namespace and name from the activity's first argument, or null for other arguments. */
  static String[] resource(Object[] arguments) {
    Object first = arguments.length == 0 ? null : arguments[0];
    if (first instanceof TaskRef ref) {
      return new String[] {ref.namespace(), ref.name()};
    }
    if (first instanceof CronTaskRef ref) {
      return new String[] {ref.namespace(), ref.name()};
    }
    if (first instanceof CronTaskFire fire) {
      return new String[] {fire.cronTask().namespace(), fire.cronTask().name()};
    }
    return null;
  }
}
