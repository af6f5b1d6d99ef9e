package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Await;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** server.health() tells whether the Redis adapter reaches Redis: false while a killed redis-server is away, true once it is back. */
class RedisHealthTest {
  @Test
  void adapterConnectedFollowsTheRedisServer() {
    try (RedisServer redis = RedisServer.start()) {
      RedisClient client = RedisClient.create(redis.uri());
      Server io = new Server(ServerOptions.builder()
          .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.defaults())).build());
      try {
        until(() -> io.health().adapterConnected(), "connected at start");
        redis.stop();
        until(() -> !io.health().adapterConnected(), "disconnected while Redis is down");
        assertTrue(io.health().serving(), "a node that lost Redis still serves its own clients");
        redis.restart();
        until(() -> io.health().adapterConnected(), "connected again once Redis is back");
      } finally {
        io.close();
        client.shutdown();
      }
    }
  }

  /** Waits for {@code condition} up to 60 s (a reconnecting Lettuce backs off for seconds). */
  private static void until(BooleanSupplier condition, String what) {
    Await.until(condition, Duration.ofSeconds(60), what);
  }
}
