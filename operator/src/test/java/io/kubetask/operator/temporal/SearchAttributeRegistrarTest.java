package io.kubetask.operator.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchAttributeRegistrarTest {
  private static final StatusRuntimeException UNKNOWN =
      new StatusRuntimeException(
          Status.INVALID_ARGUMENT.withDescription(
              "Namespace default has no mapping defined for search attribute KubeTaskTask"));
  private static final StatusRuntimeException BAD_ID =
      new StatusRuntimeException(Status.INVALID_ARGUMENT.withDescription("bad id"));

  private final List<String> calls = new ArrayList<>();

  /** Records registrations instead of asking a server. */
  private final SearchAttributeRegistrar registrar =
      new SearchAttributeRegistrar(null) {
        @Override
        public void register() {
          calls.add("register");
        }
      };

  /** A call that fails with each of {@code failures} in turn, then succeeds. */
  private Runnable call(RuntimeException... failures) {
    return () -> {
      calls.add("call");
      long failed = calls.stream().filter("call"::equals).count() - 1;
      if (failed < failures.length) {
        throw failures[(int) failed];
      }
    };
  }

  @Test
  void recognisesAnUnknownSearchAttributeAnywhereInTheCauses() {
    assertThat(SearchAttributeRegistrar.isUnknownSearchAttribute(new RuntimeException(UNKNOWN)))
        .isTrue();
    assertThat(SearchAttributeRegistrar.isUnknownSearchAttribute(UNKNOWN)).isTrue();
    assertThat(SearchAttributeRegistrar.isUnknownSearchAttribute(new RuntimeException(BAD_ID)))
        .isFalse();
    assertThat(
            SearchAttributeRegistrar.isUnknownSearchAttribute(
                new StatusRuntimeException(
                    Status.NOT_FOUND.withDescription("no search attribute here"))))
        .isFalse();
    assertThat(SearchAttributeRegistrar.isUnknownSearchAttribute(new RuntimeException("x")))
        .isFalse();
  }

  @Test
  void aCallThatSucceedsRegistersNothing() {
    registrar.retryingUnknown(call());

    assertThat(calls).containsExactly("call");
  }

  @Test
  void anUnknownSearchAttributeIsRegisteredAndTheCallRunsOnceMore() {
    registrar.retryingUnknown(call(new RuntimeException(UNKNOWN)));

    assertThat(calls).containsExactly("call", "register", "call");
  }

  @Test
  void aSecondFailureIsTheCallers() {
    var again = new RuntimeException(UNKNOWN);
    assertThatThrownBy(() -> registrar.retryingUnknown(call(new RuntimeException(UNKNOWN), again)))
        .isSameAs(again);

    assertThat(calls).containsExactly("call", "register", "call");
  }

  @Test
  void otherFailuresAreNotRetried() {
    var refused = new RuntimeException(BAD_ID);
    assertThatThrownBy(() -> registrar.retryingUnknown(call(refused))).isSameAs(refused);

    assertThat(calls).containsExactly("call");
  }
}
