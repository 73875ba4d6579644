package io.kubetask.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import java.io.IOException;

/**
 * Reads string values so that a value repeated across the objects KubeTask reads is one instance.
 * An informer holds every Task, Job and pod of its namespaces, and most of their strings repeat:
 * the namespace, the phases and condition types, "True", the image, the node, the owner's kind and
 * apiVersion, a pod's timestamps (its start, its conditions' transitions). Read as they come, each
 * is a string of its own: with 1,000 Tasks, their Jobs and pods the operator's cache held about
 * 220,000 strings (about 180 for each Task with its Job and pod).
 *
 * <p>The last value seen at each slot of a small table is kept, found by the value's hash: a value
 * that was seen there is returned from the table, any other replaces it. Values that never repeat
 * (uids, resourceVersions) just pass through and are dropped from the table by the next value of
 * their slot, so the table never holds more than its size, and costs a hash and a comparison per
 * value. Field names (label and annotation keys among them) are already shared by Jackson.
 *
 * <p>Threads that read at once may each write a slot; a slot holds an immutable String (safely
 * published by its final fields), so a reader sees either value, and at worst one is not shared.
 */
final class SharedStrings extends StringDeserializer {
  private static final long serialVersionUID = 1L;

  /** Slots of the table: a power of two. 8,192 references take 32 KB of the heap. */
  static final int SLOTS = 1 << 13;

  /**
   * Longer values are left as they are: names, timestamps and images are shorter, while longer ones
   * (a prompt, a context file, a message) rarely repeat and would only evict shorter ones.
   */
  static final int MAX_LENGTH = 128;

  private final String[] table = new String[SLOTS];

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    return share(super.deserialize(p, ctxt));
  }

  private String share(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return value;
    }
    int h = value.hashCode();
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    String known = table[slot];
    if (value.equals(known)) {
      return known;
    }
    table[slot] = value;
    return value;
  }
}
