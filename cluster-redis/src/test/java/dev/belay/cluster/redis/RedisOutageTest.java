package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Redis killed and restarted under two nodes: each reader logs the outage once, reconnects, and
 * resumes after the last entry it read, so a message published during the outage (queued by the
 * publishing node's connection) and every message after it still reach the other node, in order.
 */
class RedisOutageTest {
  private static Map<String, Object> broadcast(String event) {
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("rooms", List.of());
    opts.put("except", List.of());
    opts.put("flags", Map.of());
    return Map.of("packet", Map.of("type", 2, "data", List.of(event)), "opts", opts);
  }

  private static String next(BlockingQueue<ClusterWireMessage> queue) throws InterruptedException {
    ClusterWireMessage message = queue.poll(60, TimeUnit.SECONDS);
    assertNotNull(message, "no message within 60 s");
    @SuppressWarnings("unchecked")
    Map<String, Object> packet = (Map<String, Object>) message.data().get("packet");
    return (String) ((List<?>) packet.get("data")).get(0);
  }

  @Test
  void nodesResumeTheStreamAfterRedisRestarts() throws Exception {
    List<LogRecord> warnings = new ArrayList<>();
    CountDownLatch bothNoticed = new CountDownLatch(2);
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          synchronized (warnings) {
            warnings.add(record);
          }
          bothNoticed.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(RedisStreamsTransport.class.getName());
    logger.addHandler(handler);
    RedisStreamsOptions options = RedisStreamsOptions.builder().blockTime(java.time.Duration.ofMillis(500)).build();
    try (RedisServer redis = RedisServer.start()) {
      RedisClient clientA = RedisClient.create(redis.uri());
      RedisClient clientB = RedisClient.create(redis.uri());
      BlockingQueue<ClusterWireMessage> atB = new LinkedBlockingQueue<>();
      try (RedisStreamsTransport a = new RedisStreamsTransport(clientA, options);
          RedisStreamsTransport b = new RedisStreamsTransport(clientB, options)) {
        a.register("/", "aaaaaaaaaaaaaaaa", (m, offset) -> {}).get(10, TimeUnit.SECONDS);
        b.register("/", "bbbbbbbbbbbbbbbb", (m, offset) -> atB.add(m)).get(10, TimeUnit.SECONDS);
        a.reading().get(10, TimeUnit.SECONDS);
        b.reading().get(10, TimeUnit.SECONDS);
        a.publish(new ClusterWireMessage("aaaaaaaaaaaaaaaa", "/", 3, broadcast("before"))).get(10, TimeUnit.SECONDS);
        assertEquals("before", next(atB));

        redis.stop();
        CompletableFuture<String> during = a.publish(new ClusterWireMessage("aaaaaaaaaaaaaaaa", "/", 3, broadcast("during")));
        assertTrue(bothNoticed.await(60, TimeUnit.SECONDS), "each reader logs the outage");
        redis.restart();

        assertTrue(during.get(60, TimeUnit.SECONDS).matches("\\d+-\\d+"), "the queued publish reaches Redis");
        a.publish(new ClusterWireMessage("aaaaaaaaaaaaaaaa", "/", 3, broadcast("after"))).get(60, TimeUnit.SECONDS);
        assertEquals("during", next(atB));
        assertEquals("after", next(atB));
        synchronized (warnings) {
          assertEquals(2, warnings.size(), "one warning per node for the whole outage: " + warnings);
        }
      } finally {
        clientA.shutdown();
        clientB.shutdown();
      }
    } finally {
      logger.removeHandler(handler);
    }
  }
}
