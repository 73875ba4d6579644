package io.kubetask.workflows.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kubetask.api.v1alpha1.Conditions;
import io.kubetask.api.v1alpha1.TaskResult;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what an agent reported: the JSON object it wrote to its result file, which the kubelet
 * hands on as the agent container's termination message (at most 4 KiB, so no API access is needed
 * from the pod), checked against its Agent's resultSchema. Whether the agent reached its goal is
 * its own word, separate from its exit code.
 */
public final class AgentResults {
  /** Where the agent writes its result; also in the container's KUBETASK_RESULT_FILE. */
  public static final String FILE = "/kubetask/result.json";

  public static final String ENV = "KUBETASK_RESULT_FILE";

  /** The most the kubelet keeps of a termination message. */
  static final int MAX_BYTES = 4096;

  /**
   * The longest summary kept: a line for {@code kubectl get} (its Result column); what does not fit
   * belongs in {@code data}.
   */
  static final int MAX_SUMMARY = 200;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory SCHEMAS =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private AgentResults() {}

  /**
   * What the Task says about the result.
   *
   * @param result the result to record, or null when there is none to keep
   * @param goal the GoalAchieved condition: True, False or Unknown
   * @param reason its reason
   * @param message its message
   */
  public record Reading(TaskResult result, String goal, String reason, String message) {}

  /**
   * Reads a termination message.
   *
   * @param message the agent container's termination message, or null
   * @param schema the Agent's resultSchema, or null
   */
  public static Reading read(String message, JsonNode schema) {
    if (message == null || message.isBlank()) {
      return schema == null
          ? new Reading(null, "Unknown", Conditions.NO_RESULT, "The agent wrote no result.")
          : new Reading(
              null,
              "False",
              Conditions.NO_RESULT,
              "The agent wrote no result to "
                  + FILE
                  + ", and its Agent requires one (resultSchema).");
    }
    if (message.getBytes(StandardCharsets.UTF_8).length >= MAX_BYTES) {
      return new Reading(
          null,
          "False",
          Conditions.RESULT_TOO_LARGE,
          "The result takes 4 KiB or more: the kubelet keeps only its first 4 KiB. Keep it"
              + " smaller (a summary and what matters), and put the rest elsewhere.");
    }
    JsonNode node;
    try {
      node = JSON.readTree(message);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      return new Reading(
          null, "False", Conditions.RESULT_INVALID, "The result is not a JSON object.");
    }
    if (schema != null) {
      Set<ValidationMessage> errors = schema(schema).validate(node);
      if (!errors.isEmpty()) {
        return new Reading(
            null,
            "False",
            Conditions.RESULT_INVALID,
            "The result does not match the Agent's resultSchema: "
                + errors.stream()
                    .map(ValidationMessage::getMessage)
                    .sorted()
                    .collect(Collectors.joining("; "))
                + ".");
      }
    }
    JsonNode summary = node.get("summary");
    JsonNode data = node.get("data");
    JsonNode goal = node.get("goalAchieved");
    TaskResult result =
        new TaskResult(
            summary != null && summary.isTextual() ? cut(summary.asText()) : null,
            data != null && data.isObject() ? data : null,
            goal != null && goal.isBoolean() ? goal.asBoolean() : null);
    if (result.goalAchieved() == null) {
      return new Reading(
          result,
          "Unknown",
          Conditions.NOT_REPORTED,
          "The agent's result does not say whether it reached its goal (goalAchieved).");
    }
    return result.goalAchieved()
        ? new Reading(result, "True", Conditions.ACHIEVED, "The agent reports it reached its goal.")
        : new Reading(
            result,
            "False",
            Conditions.NOT_ACHIEVED,
            "The agent reports it did not reach its goal.");
  }

  private static String cut(String summary) {
    return summary.length() <= MAX_SUMMARY
        ? summary
        : summary.substring(0, MAX_SUMMARY - 1) + "\u2026";
  }

  private static JsonSchema schema(JsonNode schema) {
    return SCHEMAS.getSchema(schema);
  }
}
