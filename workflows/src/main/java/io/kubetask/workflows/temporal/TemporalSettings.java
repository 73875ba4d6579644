package io.kubetask.workflows.temporal;

import java.util.Map;

/**
 * How the operator and the worker reach Temporal, read once from the environment. The variable
 * names are the Temporal CLI's, so one environment serves both {@code temporal} and KubeTask.
 * {@link TemporalConnection} connects with them.
 *
 * @param address host:port of the Temporal frontend ({@code TEMPORAL_ADDRESS})
 * @param namespace the Temporal namespace ({@code TEMPORAL_NAMESPACE})
 * @param taskQueue the task queue of the worker ({@code KUBETASK_TASK_QUEUE})
 * @param tls TLS to the frontend
 * @param apiKey an API key sent as {@code Authorization: Bearer <key>} ({@code TEMPORAL_API_KEY},
 *     Temporal Cloud), or null
 */
public record TemporalSettings(
    String address, String namespace, String taskQueue, Tls tls, String apiKey) {

  /**
   * TLS to the Temporal frontend. It is on when {@code TEMPORAL_TLS=true} or any other TLS setting
   * or an API key is given; without certificate files the JVM's trusted CAs verify the server.
   *
   * @param enabled whether the connection uses TLS at all
   * @param clientCertPath PEM client certificate for mTLS ({@code TEMPORAL_TLS_CLIENT_CERT_PATH})
   * @param clientKeyPath PEM private key of that certificate ({@code TEMPORAL_TLS_CLIENT_KEY_PATH})
   * @param serverCaCertPath PEM CA that signed the server's certificate ({@code
   *     TEMPORAL_TLS_SERVER_CA_CERT_PATH})
   * @param serverName the name to verify the server's certificate against ({@code
   *     TEMPORAL_TLS_SERVER_NAME})
   */
  public record Tls(
      boolean enabled,
      String clientCertPath,
      String clientKeyPath,
      String serverCaCertPath,
      String serverName) {
    public static final Tls DISABLED = new Tls(false, null, null, null, null);

    public Tls {
      if ((clientCertPath == null) != (clientKeyPath == null)) {
        throw new IllegalArgumentException(
            "TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together: set both"
                + " or neither");
      }
    }
  }

  public TemporalSettings {
    tls = tls == null ? Tls.DISABLED : tls;
    if (apiKey != null && !tls.enabled()) {
      // An API key in clear text is as good as published; Temporal Cloud refuses it anyway.
      tls =
          new Tls(
              true,
              tls.clientCertPath(),
              tls.clientKeyPath(),
              tls.serverCaCertPath(),
              tls.serverName());
    }
  }

  /** Plain-text connection, no API key. */
  public TemporalSettings(String address, String namespace, String taskQueue) {
    this(address, namespace, taskQueue, Tls.DISABLED, null);
  }

  public static TemporalSettings fromEnv(Map<String, String> env) {
    String cert = value(env, "TEMPORAL_TLS_CLIENT_CERT_PATH");
    String key = value(env, "TEMPORAL_TLS_CLIENT_KEY_PATH");
    String ca = value(env, "TEMPORAL_TLS_SERVER_CA_CERT_PATH");
    String serverName = value(env, "TEMPORAL_TLS_SERVER_NAME");
    String apiKey = value(env, "TEMPORAL_API_KEY");
    String tlsFlag = value(env, "TEMPORAL_TLS");
    boolean tls;
    if (tlsFlag == null) {
      tls = cert != null || ca != null || serverName != null || apiKey != null;
    } else if (tlsFlag.equalsIgnoreCase("true") || tlsFlag.equalsIgnoreCase("false")) {
      tls = Boolean.parseBoolean(tlsFlag);
      if (!tls && (cert != null || ca != null || serverName != null)) {
        throw new IllegalArgumentException(
            "TEMPORAL_TLS is false but TLS files or a server name are set");
      }
    } else {
      throw new IllegalArgumentException("TEMPORAL_TLS must be true or false: " + tlsFlag);
    }
    return new TemporalSettings(
        env.getOrDefault("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
        env.getOrDefault("TEMPORAL_NAMESPACE", "default"),
        env.getOrDefault("KUBETASK_TASK_QUEUE", TaskQueues.DEFAULT),
        new Tls(tls, cert, key, ca, serverName),
        apiKey);
  }

  /** Everything but the API key, which must not reach a log. */
  @Override
  public String toString() {
    return "TemporalSettings[address="
        + address
        + ", namespace="
        + namespace
        + ", taskQueue="
        + taskQueue
        + ", tls="
        + tls
        + ", apiKey="
        + (apiKey == null ? "none" : "***")
        + "]";
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
