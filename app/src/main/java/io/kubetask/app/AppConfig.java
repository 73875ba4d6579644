package io.kubetask.app;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Settings of the process around the operator and the worker, read once from the environment.
 *
 * @param mode what runs: the first argument, else {@code KUBETASK_MODE}
 * @param httpAddress where /metrics, /healthz and /readyz are served ({@code
 *     KUBETASK_HTTP_ADDRESS}, {@code [host]:port}, default {@code :8080}, every interface)
 */
public record AppConfig(Mode mode, InetSocketAddress httpAddress) {
  public static final String DEFAULT_HTTP_ADDRESS = ":8080";

  public static AppConfig from(String[] args, Map<String, String> env) {
    String mode = args.length > 0 ? args[0] : env.get("KUBETASK_MODE");
    if (mode == null || mode.isBlank()) {
      throw new IllegalArgumentException("no mode: give one of " + Mode.arguments());
    }
    String address = env.get("KUBETASK_HTTP_ADDRESS");
    return new AppConfig(
        Mode.parse(mode),
        address(address == null || address.isBlank() ? DEFAULT_HTTP_ADDRESS : address.trim()));
  }

  static InetSocketAddress address(String value) {
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    String port = colon < 0 ? value : value.substring(colon + 1);
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (number < 0 || number > 65535) {
      throw new IllegalArgumentException(
          "KUBETASK_HTTP_ADDRESS must be [host]:port, e.g. :8080 or 127.0.0.1:8080: " + value);
    }
    return host.isEmpty() ? new InetSocketAddress(number) : new InetSocketAddress(host, number);
  }
}
