package dev.belay.examples;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chat as {@code chat --redis} runs it, on {@code n} nodes in this JVM and a redis-server of
 * its own, with recovery on; started once every node sees the others.
 *
 * <pre>{@code
 * try (ChatCluster cluster = ChatCluster.start(2)) {
 *   open(cluster.node(0).url()); open(cluster.node(1).url());
 * }
 * }</pre>
 *
 * <p>Threading: for the test thread.
 */
final class ChatCluster implements AutoCloseable {
  private final RedisServer redis;
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<ExampleHttp> nodes = new ArrayList<>();

  private ChatCluster(RedisServer redis) {
    this.redis = redis;
  }

  static ChatCluster start(int n) throws Exception {
    ChatCluster cluster = new ChatCluster(RedisServer.start());
    try {
      for (int i = 0; i < n; i++) {
        RedisClient client = RedisClient.create(cluster.redis.uri());
        cluster.clients.add(client);
        Server io = new Server(ServerOptions.builder()
            .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.defaults()))
            .connectionStateRecovery(ConnectionStateRecovery.defaults())
            .build());
        cluster.servers.add(io);
        new ChatServer(io);
        cluster.nodes.add(ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      for (Server io : cluster.servers) { // nodes find each other through Redis in about a second
        while (io.serverCount().get(5, TimeUnit.SECONDS) < n) {
          if (System.nanoTime() > deadline) throw new AssertionError("the chat nodes did not see each other");
          Thread.onSpinWait();
        }
      }
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** Node {@code i}'s HTTP server (the page, Socket.IO at /socket.io/). */
  ExampleHttp node(int i) {
    return nodes.get(i);
  }

  @Override
  public void close() {
    nodes.forEach(ExampleHttp::close);
    servers.forEach(Server::close);
    clients.forEach(RedisClient::shutdown);
    redis.close();
  }
}
