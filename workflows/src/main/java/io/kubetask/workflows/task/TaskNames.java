package io.kubetask.workflows.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic names of the objects a Task owns. The Job and ConfigMap names carry the Task's uid,
 * so a Task deleted and re-created under the same name never meets its predecessor's objects, and
 * they stay within 63 characters (a Job name becomes a pod label value) for any Task name.
 */
public final class TaskNames {
  static final int MAX_LABEL = 63;
  private static final int UID_CHARS = 8;
  private static final int HASH_CHARS = 8;

  private TaskNames() {}

  /** Name of the Job and of the context ConfigMap: {@code <task>-<uid prefix>}. */
  public static String objectName(String taskName, String uid) {
    String suffix = uid.replace("-", "").substring(0, UID_CHARS);
    return shorten(taskName, MAX_LABEL - 1 - UID_CHARS) + "-" + suffix;
  }

  /** A label value for a name: the name itself, or a cut name plus a hash when over 63. */
  public static String labelValue(String name) {
    return shorten(name, MAX_LABEL);
  }

  /**
   * Cuts {@code name} to at most {@code max} characters, ending it with a hash of the whole name so
   * that different long names stay different.
   */
  static String shorten(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String prefix = name.substring(0, max - 1 - HASH_CHARS);
    // A segment of a DNS name must end in an alphanumeric character.
    prefix = prefix.replaceAll("[-.]+$", "");
    return prefix + "-" + sha256(name).substring(0, HASH_CHARS);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
