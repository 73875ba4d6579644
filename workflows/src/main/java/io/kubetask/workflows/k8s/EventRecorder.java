package io.kubetask.workflows.k8s;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events on KubeTask objects, so {@code kubectl describe} tells their story. */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String component;

  /**
   * @param component who reports the Events, e.g. {@code kubetask-worker}
   */
  public EventRecorder(KubernetesClient client, Clock clock, String component) {
    this.client = client;
    this.clock = clock;
    this.component = component;
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String now = Times.format(clock.instant());
    String name = object.getMetadata().getName();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(name.substring(0, Math.min(200, name.length())) + ".")
            .withNamespace(object.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(name)
            .withNamespace(object.getMetadata().getNamespace())
            .withUid(object.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .withReportingComponent(component)
            .build();
    try {
      client.v1().events().resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: losing one must not fail, or repeat, the step that produced it.
      if (ApiErrors.namespaceTerminating(e)) {
        // What the namespace's deletion does to its agents (their pods go first) is told to
        // Tasks that are about to go too: nobody could read the Event.
        log.debug("Event {} on {} not recorded: its namespace is being deleted", reason, name);
      } else {
        log.warn("Could not record event {} on {}: {}", reason, name, ApiErrors.message(e));
      }
    }
  }
}
