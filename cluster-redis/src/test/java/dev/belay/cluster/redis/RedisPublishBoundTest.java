package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While Redis is unreachable a node queues what it publishes, up to maxPendingPublishes: the next
 * publish fails at once rather than growing the heap, and once Redis is back the queued ones are
 * delivered and publishing works again.
 */
class RedisPublishBoundTest {
  private static ClusterWireMessage message(int i) {
    return new ClusterWireMessage("aaaaaaaaaaaaaaaa", "/", 3, Map.of(
        "packet", Map.of("type", 2, "data", List.of("n", i)),
        "opts", Map.of("rooms", List.of(), "except", List.of(), "flags", Map.of())));
  }

  @Test
  void publishesWaitingForRedisAreBounded() throws Exception {
    RedisStreamsOptions options = RedisStreamsOptions.builder().maxPendingPublishes(50)
        .blockTime(java.time.Duration.ofMillis(500)).build();
    try (RedisServer redis = RedisServer.start()) {
      RedisClient client = RedisClient.create(redis.uri());
      try (RedisStreamsTransport transport = new RedisStreamsTransport(client, options)) {
        transport.reading().get(10, TimeUnit.SECONDS);
        redis.stop();
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < 50; i++) queued.add(transport.publish(message(i)));
        CompletableFuture<String> over = transport.publish(message(50));

        assertTrue(over.isCompletedExceptionally(), "the 51st is refused at once");
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, over::get);
        assertTrue(refused.getCause().getMessage().contains("waiting for Redis"), refused.getCause().getMessage());
        for (CompletableFuture<String> f : queued) assertFalse(f.isDone(), "queued while Redis is down");

        redis.restart();
        for (CompletableFuture<String> f : queued) assertTrue(f.get(60, TimeUnit.SECONDS).matches("\\d+-\\d+"));
        assertTrue(transport.publish(message(51)).get(30, TimeUnit.SECONDS).matches("\\d+-\\d+"), "accepted again");
        assertEquals(51L, transport.commands().sync().xlen(options.streamName()), "50 queued, the refused one not, one after");
      } finally {
        client.shutdown();
      }
    }
  }
}
