package io.kubetask.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The process's HTTP endpoints, on the JDK's own server: {@code /metrics} (Prometheus text format),
 * {@code /healthz} (liveness: the process answers) and {@code /readyz} (readiness: the process has
 * finished starting and every check passes; the body says which failed).
 */
public final class HttpEndpoints implements AutoCloseable {
  /** A readiness check: null when ready, else why not. */
  @FunctionalInterface
  public interface Check {
    String problem();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Check> checks = new LinkedHashMap<>();
  private volatile boolean started;

  public HttpEndpoints(InetSocketAddress address, Supplier<String> metrics) throws IOException {
    server = HttpServer.create(address, 0);
    executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "kubetask-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    server.createContext("/healthz", exchange -> respond(exchange, 200, TEXT, "ok\n"));
    server.createContext("/readyz", this::readiness);
  }

  private static final String TEXT = "text/plain; charset=utf-8";

  /** Adds a readiness check; call before {@link #start()}. */
  public HttpEndpoints check(String name, Check check) {
    synchronized (checks) {
      checks.put(name, check);
    }
    return this;
  }

  public HttpEndpoints start() {
    server.start();
    return this;
  }

  /** Startup is over: from now on the checks alone decide readiness. */
  public void markStarted() {
    started = true;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void readiness(HttpExchange exchange) throws IOException {
    if (!started) {
      respond(exchange, 503, TEXT, "starting\n");
      return;
    }
    StringBuilder body = new StringBuilder();
    boolean ready = true;
    Map<String, Check> current;
    synchronized (checks) {
      current = new LinkedHashMap<>(checks);
    }
    for (var check : current.entrySet()) {
      String problem;
      try {
        problem = check.getValue().problem();
      } catch (RuntimeException e) {
        problem = e.toString();
      }
      ready &= problem == null;
      body.append(check.getKey())
          .append(": ")
          .append(problem == null ? "ok" : problem)
          .append('\n');
    }
    respond(exchange, ready ? 200 : 503, TEXT, body.toString());
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
