package io.kubetask.workflows.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetask.workflows.result.AgentResults.Reading;
import org.junit.jupiter.api.Test;

class AgentResultsTest {
  private static final JsonNode SCHEMA =
      Json.parse(
          """
          {"type":"object","required":["summary","data"],
           "properties":{"summary":{"type":"string"},
             "data":{"type":"object","required":["fixed"],
               "properties":{"fixed":{"type":"integer"}}}}}
          """);

  @Test
  void aResultIsCarriedWithTheAgentsOwnWordOnItsGoal() {
    Reading reading =
        AgentResults.read(
            "{\"summary\":\"Fixed 3 flaky tests.\",\"data\":{\"fixed\":3},\"goalAchieved\":true}",
            SCHEMA);

    assertThat(reading.result().summary()).isEqualTo("Fixed 3 flaky tests.");
    assertThat(reading.result().data().get("fixed").asInt()).isEqualTo(3);
    assertThat(reading.goal()).isEqualTo("True");
    assertThat(reading.reason()).isEqualTo("Achieved");
  }

  @Test
  void anAgentMayExitZeroAndStillSayItMissedItsGoal() {
    Reading reading =
        AgentResults.read("{\"summary\":\"Could not reproduce.\",\"goalAchieved\":false}", null);

    assertThat(reading.goal()).isEqualTo("False");
    assertThat(reading.reason()).isEqualTo("NotAchieved");
    assertThat(reading.result().summary()).isEqualTo("Could not reproduce.");
  }

  @Test
  void withoutAWordOnItsGoalTheGoalIsUnknown() {
    Reading reading = AgentResults.read("{\"summary\":\"Done.\"}", null);

    assertThat(reading.goal()).isEqualTo("Unknown");
    assertThat(reading.reason()).isEqualTo("NotReported");
  }

  @Test
  void aResultThatDoesNotMatchTheSchemaIsNotKeptAndSaysWhy() {
    Reading reading =
        AgentResults.read("{\"summary\":\"Half done.\",\"data\":{\"fixed\":\"three\"}}", SCHEMA);

    assertThat(reading.result()).isNull();
    assertThat(reading.goal()).isEqualTo("False");
    assertThat(reading.reason()).isEqualTo("ResultInvalid");
    assertThat(reading.message())
        .startsWith("The result does not match the Agent's resultSchema: ")
        .contains("fixed")
        .contains("integer");
  }

  @Test
  void aMissingResultIsUnknownUnlessTheAgentRequiresOne() {
    assertThat(AgentResults.read(null, null).goal()).isEqualTo("Unknown");
    assertThat(AgentResults.read("", null).reason()).isEqualTo("NoResult");

    Reading required = AgentResults.read(null, SCHEMA);
    assertThat(required.goal()).isEqualTo("False");
    assertThat(required.reason()).isEqualTo("NoResult");
    assertThat(required.message()).contains("/kubetask/result.json").contains("resultSchema");
  }

  @Test
  void textThatIsNotAJsonObjectIsNoResult() {
    assertThat(AgentResults.read("Done, no JSON here.", null).reason()).isEqualTo("ResultInvalid");
    assertThat(AgentResults.read("[1,2]", null).reason()).isEqualTo("ResultInvalid");
  }

  @Test
  void aResultTheKubeletHadToCutIsTooLarge() {
    String big = "{\"summary\":\"" + "x".repeat(4100) + "\"}";

    Reading reading = AgentResults.read(big, null);

    assertThat(reading.result()).isNull();
    assertThat(reading.goal()).isEqualTo("False");
    assertThat(reading.reason()).isEqualTo("ResultTooLarge");
    assertThat(reading.message()).contains("4 KiB");
  }

  @Test
  void aLongSummaryIsCutToALine() {
    Reading reading = AgentResults.read("{\"summary\":\"" + "a".repeat(300) + "\"}", null);

    assertThat(reading.result().summary()).hasSize(200).endsWith("a\u2026");
  }
}
