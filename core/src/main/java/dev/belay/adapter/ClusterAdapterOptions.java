package dev.belay.adapter;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of a {@link ClusterAdapter}, with socket.io-adapter's defaults.
 *
 * <pre>{@code
 * ClusterAdapterOptions options = ClusterAdapterOptions.defaults().withHeartbeatTimeout(Duration.ofSeconds(20));
 * }</pre>
 *
 * @param heartbeatInterval how long a node stays silent before it publishes a heartbeat (default 5 s)
 * @param heartbeatTimeout how long without any message from a node before it is seen as down
 *     (default 10 s): requests stop waiting for it and it leaves the server count
 * @param requestTimeout how long a fetch or server-side emit waits for the other nodes when the
 *     caller gave no timeout (default 5 s)
 */
public record ClusterAdapterOptions(Duration heartbeatInterval, Duration heartbeatTimeout, Duration requestTimeout) {
  public ClusterAdapterOptions {
    positive(heartbeatInterval, "heartbeatInterval");
    positive(heartbeatTimeout, "heartbeatTimeout");
    positive(requestTimeout, "requestTimeout");
  }

  public static ClusterAdapterOptions defaults() {
    return new ClusterAdapterOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5));
  }

  public ClusterAdapterOptions withHeartbeatInterval(Duration d) {
    return new ClusterAdapterOptions(d, heartbeatTimeout, requestTimeout);
  }

  public ClusterAdapterOptions withHeartbeatTimeout(Duration d) {
    return new ClusterAdapterOptions(heartbeatInterval, d, requestTimeout);
  }

  public ClusterAdapterOptions withRequestTimeout(Duration d) {
    return new ClusterAdapterOptions(heartbeatInterval, heartbeatTimeout, d);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
  }
}
