package dev.belay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.bench.load.Load;
import dev.belay.binding.Listening;
import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the bench code working: the generator drives the floor server briefly over WebSocket,
 * long-polling and SSE (at the default size and at sizes of its own, {@code echo-ack:polling:3x1})
 * and must complete round trips and deliver every broadcast. It measures nothing; the comparison is
 * bench/run.sh, which is not part of the test suite.
 */
class LoadSmokeTest {
  @Test
  void generatorCompletesRoundTripsAndBroadcastsAgainstTheFloor() throws Exception {
    FloorServer floor = new FloorServer();
    int port = floor.start("127.0.0.1", 0);
    try {
      check(port);
    } finally {
      floor.stop();
    }
  }

  /**
   * The Belay fixture over all three transports: the generator's HTTP client paths (keep-alive
   * polling, the SSE stream and POSTs) too. Every client must connect: a dropped CONNECT posted
   * right after the handshake (fixed on main in c7ca232) made this flaky before. Both listener
   * modes the report compares ({@code server} and {@code server --listeners io-thread}).
   */
  @ParameterizedTest(name = "listenersOnIoThread={0}")
  @ValueSource(booleans = {false, true})
  void generatorCompletesRoundTripsAgainstBelayOverEveryTransport(boolean listenersOnIoThread) throws Exception {
    dev.belay.Server server = BelayServer.create(listenersOnIoThread);
    try (dev.belay.binding.Listening http = server.listen("127.0.0.1", 0)) {
      Load.Options o = Load.parse(new String[] {
          "--port", String.valueOf(http.port()), "--label", "belay", "--loops", "1",
          "--scenarios", "echo-ack:ws,echo:ws,echo-ack:polling,echo:polling,echo-ack:sse",
          "--clients", "5", "--inflight", "2", "--warmup", "0.2", "--duration", "0.3", "--windows", "2",
          "--connect-timeout", "10"});
      List<Map<String, Object>> rows = Load.run(o);
      for (Map<String, Object> row : rows) {
        assertFalse(row.containsKey("error"), () -> "scenario failed: " + row);
        assertTrue(((Number) row.get("roundTrips")).longValue() > 0, () -> "no round trip: " + row);
        assertEquals(2, row.get("perSWindows").toString().split(" ").length, () -> "one figure per window: " + row);
      }
    } finally {
      server.close();
    }
  }

  /**
   * The cross-node fan-out on two in-process Belay nodes sharing a real redis-server: clients on
   * both nodes, one broadcast sent through node 1, and every client, those of node 2 included,
   * receives it exactly once.
   */
  @Test
  void crossNodeFanOutReachesEveryClientOfBothNodes() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RedisClient client = RedisClient.create(redis.uri());
      dev.belay.Server one = BelayServer.create(false, false, client);
      dev.belay.Server two = BelayServer.create(false, false, client);
      try (Listening a = one.listen("127.0.0.1", 0); Listening b = two.listen("127.0.0.1", 0)) {
        Load.Options o = Load.parse(new String[] {
            "--port", String.valueOf(a.port()), "--ports", a.port() + "," + b.port(), "--label", "belay",
            "--loops", "1", "--scenarios", "fanout-cluster:ws", "--fanout-clients", "6",
            "--rate", "5", "--duration", "0.2", "--warmup", "0", "--connect-timeout", "10"});
        Map<String, Object> row = Load.run(o).get(0);

        assertFalse(row.containsKey("error"), () -> "scenario failed: " + row);
        assertEquals(1, ((Number) row.get("broadcasts")).intValue(), () -> "one broadcast: " + row);
        assertEquals(7L, ((Number) row.get("delivered")).longValue(), () -> "sender + 6 receivers: " + row);
        assertEquals(4L, ((Number) row.get("node1Delivered")).longValue(), () -> "node 1: the sender + 3: " + row);
        assertEquals(3L, ((Number) row.get("node2Delivered")).longValue(), () -> "node 2, through Redis: " + row);
        assertEquals(0L, ((Number) row.get("missing")).longValue(), () -> "nothing lost: " + row);
        assertEquals(0L, ((Number) row.get("incompleteClients")).longValue(), () -> "every client: " + row);
        assertEquals(0L, ((Number) row.get("duplicates")).longValue(), () -> "once each: " + row);
      } finally {
        one.close();
        two.close();
        client.shutdown();
      }
    }
  }

  private static void check(int port) throws Exception {
    Load.Options o = Load.parse(new String[] {
        "--port", String.valueOf(port), "--label", "floor", "--loops", "1",
        "--scenarios", "ttfe:ws,echo-ack:ws,echo:ws,fanout:ws,echo-ack:polling,echo-ack:sse,echo-ack:polling:3x1,echo-ack:sse:1x1",
        "--clients", "5", "--inflight", "2", "--warmup", "0.2", "--duration", "0.5",
        "--fanout-clients", "20", "--rate", "20", "--ttfe-trials", "3"});
    List<Map<String, Object>> rows = Load.run(o);
    assertEquals(8, rows.size());
    for (Map<String, Object> row : rows) {
      assertFalse(row.containsKey("error"), () -> "scenario failed: " + row);
    }
    for (Map<String, Object> row : rows.subList(4, 8)) {
      assertTrue(((Number) row.get("roundTrips")).longValue() > 0, () -> "the floor over HTTP: " + row);
    }
    assertEquals("3x1", rows.get(6).get("size"), () -> "its own size: " + rows.get(6));
    assertEquals("1x1", rows.get(7).get("size"), () -> "its own size: " + rows.get(7));
    assertTrue(((Number) rows.get(1).get("roundTrips")).longValue() > 0, "ack round trips");
    assertTrue(((Number) rows.get(2).get("roundTrips")).longValue() > 0, "emit-back round trips");
    Map<String, Object> fanout = rows.get(3);
    assertEquals(0L, ((Number) fanout.get("missing")).longValue(), "broadcasts lost: " + fanout);
    assertTrue(((Number) fanout.get("delivered")).longValue() >= 21, "one broadcast reaches all 21");
  }
}
