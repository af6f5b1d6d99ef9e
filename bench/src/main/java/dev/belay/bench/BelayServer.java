package dev.belay.bench;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.metrics.BelayMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.engine.EngineOptions;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * {@code server}: the bench contract on Belay's public API, as a user would write it, with the
 * defaults except Socket.IO's heartbeat (25000/20000, the same on every server of the bench).
 * {@code --listeners io-thread} runs the same application with
 * {@link EngineOptions.Builder#listenersOnIoThread(boolean) listenersOnIoThread}, Belay's mode for
 * handlers that never block; the default runs them on the worker pool. {@code --recovery on} turns
 * on connection state recovery with its defaults (every emit stamped with an offset and stored,
 * every acknowledged event's answer kept), to measure what it costs. {@code --redis URI} makes the
 * server one node of a cluster on that Redis ({@code RedisStreamsAdapter} with its defaults), so
 * that a broadcast reaches the clients of every node: the cross-node fan-out benchmark runs two.
 *
 * <pre>{@code java -jar belay-bench.jar server --port 3400 --listeners io-thread --recovery on
 * java -jar belay-bench.jar server --port 3400 --redis redis://127.0.0.1:6379}</pre>
 */
public final class BelayServer {
  private BelayServer() {}

  /** Builds the contract's server with listeners on the worker pool; not yet listening. */
  public static Server create() {
    return create(false);
  }

  /** Builds the contract's server; not yet listening. */
  public static Server create(boolean listenersOnIoThread) {
    return create(listenersOnIoThread, false);
  }

  /** Builds the contract's server, with connection state recovery on or off; not yet listening. */
  public static Server create(boolean listenersOnIoThread, boolean recovery) {
    return create(listenersOnIoThread, recovery, (RedisClient) null);
  }

  /**
   * Builds the contract's server, one node of the cluster on {@code redis} (a {@code redis://}
   * URI) or alone when it is null; not yet listening. The Redis client lives as long as the
   * process: the bench's servers are stopped by ending their process.
   */
  public static Server create(boolean listenersOnIoThread, boolean recovery, String redis) {
    return create(listenersOnIoThread, recovery, redis != null ? RedisClient.create(redis) : null, false);
  }

  /**
   * Builds the contract's server, one node of the cluster on {@code redis} (which stays the
   * caller's to shut down) or alone when it is null; not yet listening.
   */
  public static Server create(boolean listenersOnIoThread, boolean recovery, RedisClient redis) {
    return create(listenersOnIoThread, recovery, redis, false);
  }

  /**
   * As {@link #create(boolean, boolean, RedisClient)}; with {@code forwarding} the node serves
   * any request of any session of the cluster (no sticky sessions).
   */
  public static Server create(boolean listenersOnIoThread, boolean recovery, RedisClient redis, boolean forwarding) {
    ServerOptions.Builder options = ServerOptions.builder();
    if (redis != null) {
      options.adapter(RedisStreamsAdapter.factory(redis, RedisStreamsOptions.builder().forwarding(forwarding).build()));
    }
    Server server = new Server(options
        .connectionStateRecovery(recovery ? ConnectionStateRecovery.defaults() : null)
        .engine(EngineOptions.builder()
            .path("/socket.io/")
            .pingInterval(Duration.ofMillis(25_000))
            .pingTimeout(Duration.ofMillis(20_000))
            .listenersOnIoThread(listenersOnIoThread)
            .build())
        .build());
    server.on("connection", socket -> {
      socket.join("all");
      socket.on("echo", (args, ack) -> {
        if (ack.requested()) {
          ack.send(args.toArray());
        } else {
          socket.emit("echo", args.toArray());
        }
      });
      socket.on("broadcast", (args, ack) -> server.to("all").emit("tick", args.toArray()));
    });
    return server;
  }

  public static void main(String host, int port, boolean listenersOnIoThread, boolean recovery, String redis,
      boolean forwarding, boolean metrics) throws Exception {
    Server server = create(listenersOnIoThread, recovery, redis != null ? RedisClient.create(redis) : null, forwarding);
    PrometheusMeterRegistry registry = null;
    if (metrics) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      BelayMetrics.monitor(server, registry);
    }
    Admin.start(host, port + 1, registry == null ? null : registry::scrape);
    server.listen(host, port);
    System.out.println("belay server listening on " + host + ":" + port
        + (listenersOnIoThread ? " (listeners on the I/O thread)" : "") + (recovery ? " (recovery on)" : "")
        + (redis != null ? " (cluster on " + redis + (forwarding ? ", forwarding" : "") + ")" : "") + (metrics ? " (metrics on)" : ""));
  }
}
