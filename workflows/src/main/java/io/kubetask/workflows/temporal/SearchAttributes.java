package io.kubetask.workflows.temporal;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Custom search attributes on KubeTask workflows, so the Temporal UI lists and filters them by
 * Kubernetes identity. The operator registers them at start-up.
 */
public final class SearchAttributes {
  public static final SearchAttributeKey<String> NAMESPACE =
      SearchAttributeKey.forKeyword("KubeTaskNamespace");
  public static final SearchAttributeKey<String> TASK =
      SearchAttributeKey.forKeyword("KubeTaskTask");
  public static final SearchAttributeKey<String> AGENT =
      SearchAttributeKey.forKeyword("KubeTaskAgent");
  public static final SearchAttributeKey<String> CRONTASK =
      SearchAttributeKey.forKeyword("KubeTaskCronTask");

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(NAMESPACE, TASK, AGENT, CRONTASK);

  private SearchAttributes() {}
}
