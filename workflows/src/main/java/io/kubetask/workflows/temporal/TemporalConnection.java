package io.kubetask.workflows.temporal;

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

/** Connects to Temporal as {@link TemporalSettings} say: address, TLS and API key. */
public final class TemporalConnection {
  private TemporalConnection() {}

  /** Connects without reporting the SDK's metrics. */
  public static WorkflowServiceStubs connect(TemporalSettings settings) {
    return connect(settings, new NoopScope());
  }

  /** Connects, reporting the Temporal SDK's metrics (client and worker) to {@code metrics}. */
  public static WorkflowServiceStubs connect(TemporalSettings settings, Scope metrics) {
    return WorkflowServiceStubs.newServiceStubs(stubsOptions(settings, metrics));
  }

  /** A client of the settings' Temporal namespace on a connection. */
  public static WorkflowClient client(TemporalSettings settings, WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  /** The connection options: address, TLS, API key and the metrics scope. */
  static WorkflowServiceStubsOptions stubsOptions(TemporalSettings settings, Scope metrics) {
    var options =
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(settings.address())
            .setMetricsScope(metrics);
    TemporalSettings.Tls tls = settings.tls();
    if (tls.enabled()) {
      options.setSslContext(sslContext(tls));
      if (tls.serverName() != null) {
        options.setChannelInitializer(channel -> channel.overrideAuthority(tls.serverName()));
      }
    }
    if (settings.apiKey() != null) {
      options.addApiKey(settings::apiKey);
    }
    return options.build();
  }

  /** The client's SSL context. */
  private static SslContext sslContext(TemporalSettings.Tls tls) {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient();
      if (tls.serverCaCertPath() != null) {
        builder.trustManager(existing(tls.serverCaCertPath(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH"));
      }
      if (tls.clientCertPath() != null) {
        builder.keyManager(
            existing(tls.clientCertPath(), "TEMPORAL_TLS_CLIENT_CERT_PATH"),
            existing(tls.clientKeyPath(), "TEMPORAL_TLS_CLIENT_KEY_PATH"));
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
