package io.kubetask.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kinds of context. Only files exist today. */
public enum ContextType {
  @JsonProperty("File")
  FILE
}
