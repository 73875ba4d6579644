package io.kubetask.api.schema;

/**
 * CEL rules and messages shared by several fields of the API. They are constants so that each field
 * can name them in its annotations.
 */
public final class ApiRules {
  public static final String ABSOLUTE = "self.startsWith('/')";
  public static final String ABSOLUTE_MSG = "must be an absolute path (start with '/')";
  public static final String NO_TRAILING_SLASH = "!self.endsWith('/')";
  public static final String NO_TRAILING_SLASH_MSG = "must not end with '/'";
  public static final String NO_DOT_DOT = "!self.matches('(^|/)[.][.](/|$)')";
  public static final String NO_DOT_DOT_MSG = "must not contain a '..' segment";
  public static final String NO_EMPTY_SEGMENT = "!self.contains('//')";
  public static final String NO_EMPTY_SEGMENT_MSG = "must not contain '//'";

  /** The path of a context: its filePath or its dirPath. */
  private static final String PATH_OF_C =
      "(has(c.file) && has(c.file.filePath) ? c.file.filePath"
          + " : (has(c.file) && has(c.file.dirPath) ? c.file.dirPath : ''))";

  private static final String PATH_OF_D =
      "(has(d.file) && has(d.file.filePath) ? d.file.filePath"
          + " : (has(d.file) && has(d.file.dirPath) ? d.file.dirPath : ''))";

  public static final String UNIQUE_CONTEXT_PATHS =
      "self.all(c, !has(c.file) || self.exists_one(d, " + PATH_OF_D + " == " + PATH_OF_C + "))";
  public static final String UNIQUE_CONTEXT_PATHS_MSG =
      "two contexts have the same path: each filePath or dirPath may appear only once in a list";

  /** A duration such as {@code 90s}, {@code 15m} or {@code 1h30m} (whole numbers of each unit). */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

  /** Only for a valid duration: an invalid one gets the pattern's message alone. */
  public static final String AT_LEAST_A_SECOND =
      "!self.matches('" + DURATION + "') || duration(self) >= duration('1s')";

  public static final String AT_LEAST_A_SECOND_MSG = "must be at least 1s";

  /** runAsNonRoot and a runAsUser of 0 in one security context: the kubelet would refuse it. */
  public static final String NON_ROOT_NOT_UID_0 =
      "!has(self.runAsNonRoot) || !self.runAsNonRoot || !has(self.runAsUser)"
          + " || self.runAsUser != 0";

  public static final String NON_ROOT_NOT_UID_0_MSG =
      "runAsUser 0 is root, which runAsNonRoot: true forbids";

  /** The agent container runs as a user other than root that the Agent names. */
  private static final String NAMED_NON_ZERO_UID =
      "(has(self.securityContext) && has(self.securityContext.runAsUser)"
          + " ? self.securityContext.runAsUser != 0"
          + " : has(self.podSecurityContext) && has(self.podSecurityContext.runAsUser)"
          + " && self.podSecurityContext.runAsUser != 0)";

  /**
   * A credential file belongs to root:root with its fileMode. Without fsGroup, a mode that neither
   * group nor others may read (the default 0600, or 0400) leaves it readable by root alone.
   */
  public static final String CREDENTIAL_FILES_READABLE =
      "!"
          + NAMED_NON_ZERO_UID
          + " || (has(self.podSecurityContext) && has(self.podSecurityContext.fsGroup))"
          + " || !has(self.credentials)"
          + " || self.credentials.all(c, !has(c.mountPath)"
          + " || (has(c.fileMode) && (c.fileMode % 8 >= 4 || c.fileMode / 8 % 8 >= 4)))";

  public static final String CREDENTIAL_FILES_READABLE_MSG =
      "a credential file is owned by root and, with its fileMode (default 0600), readable by"
          + " root only: an agent that runs as another runAsUser needs podSecurityContext.fsGroup"
          + " (the kubelet gives the file that group and makes it group-readable)";

  /**
   * Upper bounds that keep the CEL cost estimate of the rules above within the API server's budget.
   */
  public static final int MAX_CONTEXTS = 64;

  public static final int MAX_PATH = 1024;

  private ApiRules() {}
}
