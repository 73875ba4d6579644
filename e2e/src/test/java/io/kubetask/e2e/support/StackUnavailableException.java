package io.kubetask.e2e.support;

/**
 * The local stack (hack/stack) cannot be used. Thrown, never turned into a skip: an E2E suite fails
 * when the stack is down.
 */
public class StackUnavailableException extends RuntimeException {
  public StackUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
