package dev.belay.cluster.redis;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.transport.BelayHandler;
import io.lettuce.core.RedisClient;
import io.undertow.Undertow;
import java.net.InetSocketAddress;

/**
 * A node in this JVM on the Redis adapter with connection state recovery on, served on port 0.
 *
 * <pre>{@code
 * RecoveringNode a = RecoveringNode.start(redis.uri());
 * EngineClient client = EngineClient.open(a.base(), "polling");
 * }</pre>
 */
record RecoveringNode(RedisClient client, Server io, Undertow undertow, String base) {
  static RecoveringNode start(String redisUri) {
    RedisClient client = RedisClient.create(redisUri);
    Server io = new Server(ServerOptions.builder()
        .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.builder().build()))
        .connectionStateRecovery(ConnectionStateRecovery.defaults())
        .build());
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new BelayHandler(io.engine())).build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    return new RecoveringNode(client, io, undertow, "http://127.0.0.1:" + port + "/socket.io/");
  }

  /** Closes the server (its sockets' sessions stored), then its HTTP server and Redis client. */
  void close() {
    io.close();
    undertow.stop();
    client.shutdown();
  }
}
