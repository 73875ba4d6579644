package io.kubetask.workflows.api;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * How the operator and the worker reach Temporal, read once from the environment. The variable
 * names are the Temporal CLI's, so one environment serves both {@code temporal} and KubeTask.
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

    /** The client's SSL context, or null when TLS is off. */
    public SslContext sslContext() {
      if (!enabled) {
        return null;
      }
      try {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (serverCaCertPath != null) {
          builder.trustManager(existing(serverCaCertPath, "TEMPORAL_TLS_SERVER_CA_CERT_PATH"));
        }
        if (clientCertPath != null) {
          builder.keyManager(
              existing(clientCertPath, "TEMPORAL_TLS_CLIENT_CERT_PATH"),
              existing(clientKeyPath, "TEMPORAL_TLS_CLIENT_KEY_PATH"));
        }
        return builder.build();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot set up TLS to Temporal: " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot set up TLS to Temporal: " + e.getMessage(), e);
      }
    }

    private static File existing(String path, String variable) {
      File file = new File(path);
      if (!file.isFile()) {
        throw new IllegalArgumentException(variable + " names no readable file: " + path);
      }
      return file;
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

  /** Connects without reporting the SDK's metrics. */
  public WorkflowServiceStubs connect() {
    return connect(new NoopScope());
  }

  /** Connects, reporting the Temporal SDK's metrics (client and worker) to {@code metrics}. */
  public WorkflowServiceStubs connect(Scope metrics) {
    return WorkflowServiceStubs.newServiceStubs(stubsOptions(metrics));
  }

  /** The connection options: address, TLS, API key and the metrics scope. */
  public WorkflowServiceStubsOptions stubsOptions(Scope metrics) {
    var options =
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).setMetricsScope(metrics);
    if (tls.enabled()) {
      options.setSslContext(tls.sslContext());
      if (tls.serverName() != null) {
        options.setChannelInitializer(channel -> channel.overrideAuthority(tls.serverName()));
      }
    }
    if (apiKey != null) {
      options.addApiKey(() -> apiKey);
    }
    return options.build();
  }

  public WorkflowClient client(WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
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
