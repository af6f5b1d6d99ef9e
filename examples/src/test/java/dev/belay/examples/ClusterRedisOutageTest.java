package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Redis gone for 10 s under two {@code cluster-node}s with clients on both: every client stays
 * connected, a new client can connect to a node meanwhile, and a broadcast made during the outage
 * reaches the clients of both nodes once Redis is back, in the same order for every client as a
 * broadcast made right after.
 */
class ClusterRedisOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @Test
  void nodesKeepTheirClientsThroughATenSecondRedisOutageAndLoseNothing() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ClusterNode a = ClusterNode.start("127.0.0.1", 0, redis.uri());
        ClusterNode b = ClusterNode.start("127.0.0.1", 0, redis.uri());
        Client alice = Client.connect(a.url(), "r");
        Client bob = Client.connect(b.url(), "r")) {
      // The cluster has formed once a broadcast from A reaches B.
      Instant formed = Instant.now().plusSeconds(30);
      Object first;
      do {
        alice.request("broadcast", Map.of("room", "r", "msg", "hello"));
        first = bob.next("msg")[0];
      } while (!"hello".equals(first) && Instant.now().isBefore(formed));
      assertEquals("hello", first);
      // Every hello sent while the cluster formed may still be on its way: the outage starts
      // from a quiet cluster, one more round trip through Redis proves it.
      alice.request("broadcast", Map.of("room", "r", "msg", "quiet"));
      while (!"quiet".equals(bob.next("msg")[0])) { }
      while (!"quiet".equals(alice.next("msg")[0])) { }

      redis.stop();
      Instant back = Instant.now().plus(OUTAGE);
      try (Client carol = Client.connect(a.url(), "r")) {
        assertEquals("ok", alice.request("broadcast", Map.of("room", "r", "msg", "during"))[0]);
        // The outage lasts until its 10 s are up; no client may be disconnected meanwhile.
        CompletableFuture<Object> anyLost = CompletableFuture.anyOf(alice.disconnected(), bob.disconnected(), carol.disconnected());
        long left = Math.max(0, Duration.between(Instant.now(), back).toMillis());
        assertThrows(TimeoutException.class, () -> anyLost.get(left, TimeUnit.MILLISECONDS),
            () -> "a client was disconnected during the outage: " + anyLost.getNow(null));
        redis.restart();
        assertEquals("ok", bob.request("broadcast", Map.of("room", "r", "msg", "after"))[0]);

        // Both reach everyone, each once, in one order for all: the stream's. Which comes first
        // depends on which node's connection reached Redis first when it came back.
        java.util.List<Object> order = null;
        for (Client client : new Client[] {alice, bob, carol}) {
          java.util.List<Object> seen = java.util.List.of(client.next("msg")[0], client.next("msg")[0]);
          assertEquals(java.util.Set.of("during", "after"), java.util.Set.copyOf(seen), "each once: " + seen);
          if (order == null) order = seen;
          assertEquals(order, seen, "the same order everywhere");
        }
      }
    }
  }
}
