package dev.belay.examples;

import dev.belay.ConnectionStateRecovery;
import dev.belay.RemoteSocket;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.engine.Cors;
import dev.belay.engine.EngineOptions;
import io.lettuce.core.RedisClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node of a Redis Streams cluster, the fixture that cluster tests drive (Belay or Node nodes
 * alike): Socket.IO at {@code /socket.io/}, default heartbeat, CORS for any origin, the Redis
 * Streams adapter on stream {@code socket.io}, connection state recovery for 30 s. Handlers of
 * namespace {@code /}: a client joins {@code auth.room}; {@code hello} from another node is
 * answered {@code "node-<port>"}; {@code broadcast {room, msg}} emits {@code msg} to the room (all
 * when null) and acks {@code "ok"}; {@code fetch} acks the sorted ids of every socket of the
 * cluster; {@code nodes} acks the sorted answers of the other nodes to {@code hello};
 * {@code ask-all {room}} acks the answers of the room's clients to {@code question}. Beside the
 * chat's pages it serves {@code GET /health} (503 while draining, for a balancer's health check)
 * and {@code POST /drain?seconds=N} ({@link OpsEndpoints}).
 *
 * <pre>{@code
 * java -jar belay-examples.jar cluster-node --port 3001 --redis redis://127.0.0.1:6379 [--forwarding]
 * }</pre>
 *
 * <p>{@code --forwarding}: no sticky sessions needed, any node serves any request (README,
 * "Without sticky sessions").
 */
public final class ClusterNode implements AutoCloseable {
  private final RedisClient redis;
  private final Server io;
  private final ExampleHttp http;
  /** Set by the first close; any thread. */
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private ClusterNode(RedisClient redis, Server io, ExampleHttp http) {
    this.redis = redis;
    this.io = io;
    this.http = http;
  }

  /** Starts a node on {@code host:port} (0 picks a free port) in the cluster on {@code redisUri}. */
  public static ClusterNode start(String host, int port, String redisUri) {
    return start(host, port, redisUri, false);
  }

  /**
   * As {@link #start(String, int, String)}; with {@code forwarding} the node serves any request of
   * any session of the cluster (no sticky sessions needed at the balancer).
   */
  public static ClusterNode start(String host, int port, String redisUri, boolean forwarding) {
    RedisClient redis = RedisClient.create(redisUri);
    Server io = new Server(ServerOptions.builder()
        .engine(EngineOptions.builder().path("/socket.io/").cors(Cors.anyOrigin()).build())
        .adapter(RedisStreamsAdapter.factory(redis, RedisStreamsOptions.builder().forwarding(forwarding).build()))
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)))
        .build());
    HttpHandler pages = new OpsEndpoints(io, null, new StaticResources(ChatServer.PAGES, ResponseCodeHandler.HANDLE_404));
    ExampleHttp http = ExampleHttp.start(io, pages, host, port, null);
    int bound = http.port();
    io.onServerSideEmit("hello", (args, ack) -> ack.send("node-" + bound));
    io.on("connection", socket -> {
      if (socket.handshake().auth().get("room") instanceof String joined) socket.join(joined);
      socket.on("broadcast", (args, ack) -> {
        Map<?, ?> request = args.isEmpty() || !(args.get(0) instanceof Map<?, ?> m) ? Map.of() : m;
        if (request.get("room") instanceof String target) {
          io.to(target).emit("msg", request.get("msg"));
        } else {
          io.emit("msg", request.get("msg"));
        }
        if (ack != null) ack.send("ok");
      });
      socket.on("fetch", (args, ack) -> io.fetchSockets().thenAccept(sockets -> {
        List<String> ids = new ArrayList<>();
        for (RemoteSocket s : sockets) ids.add(s.id());
        ids.sort(null);
        if (ack != null) ack.send(ids);
      }));
      socket.on("nodes", (args, ack) -> io.timeout(Duration.ofSeconds(2)).serverSideEmitWithAck("hello")
          .whenComplete((answers, error) -> {
            if (ack == null) return;
            if (error != null) {
              ack.send(Map.of("error", String.valueOf(error.getMessage())));
              return;
            }
            List<String> sorted = new ArrayList<>();
            for (Object answer : answers) sorted.add(String.valueOf(answer));
            sorted.sort(null);
            ack.send(sorted);
          }));
      socket.on("ask-all", (args, ack) -> {
        Map<?, ?> request = args.isEmpty() || !(args.get(0) instanceof Map<?, ?> m) ? Map.of() : m;
        String room = request.get("room") instanceof String r ? r : null;
        var target = room == null ? io.timeout(Duration.ofSeconds(2)) : io.to(room).timeout(Duration.ofSeconds(2));
        target.emitWithAck("question").whenComplete((answers, error) -> {
          if (ack == null) return;
          if (error != null) ack.send(Map.of("error", String.valueOf(error.getMessage())));
          else ack.send(answers);
        });
      });
      socket.on("join-all", (args, ack) -> {
        io.socketsJoin(String.valueOf(args.get(0)));
        if (ack != null) ack.send("ok");
      });
      socket.on("disconnect-room", (args, ack) -> {
        io.in(String.valueOf(args.get(0))).disconnectSockets(true);
        if (ack != null) ack.send("ok");
      });
    });
    return new ClusterNode(redis, io, http);
  }

  public int port() {
    return http.port();
  }

  public Server io() {
    return io;
  }

  /** {@code http://127.0.0.1:<port>} (or the host it listens on). */
  public String url() {
    String url = http.url();
    return url.substring(0, url.length() - 1);
  }

  /** Stops the node (its clients see the connection close and may recover elsewhere); idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    http.close();
    redis.shutdown();
  }
}
