package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.RedisSessionStore.StoredSession;
import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions for recovery, in the Node adapter's encoding, stored in and restored from a real Redis. */
class RedisSessionStoreTest {
  private static RedisServer redis;
  private static RedisClient client;
  private static RedisStreamsTransport transport;
  private static RedisSessionStore store;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    client = RedisClient.create(redis.uri());
    transport = new RedisStreamsTransport(client, RedisStreamsOptions.defaults());
    store = RedisSessionStore.on(transport);
  }

  @AfterAll
  static void stop() {
    transport.close();
    client.shutdown();
    redis.close();
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  private static String broadcast(String event, List<String> rooms, List<String> except) throws Exception {
    return transport.publish(new ClusterWireMessage("aaaaaaaaaaaaaaaa", "/", 3, map(
        "packet", map("type", 2, "data", List.of(event)),
        "opts", map("rooms", rooms, "except", except, "flags", map())))).get(10, TimeUnit.SECONDS);
  }

  @Test
  void sessionWrittenByNodeDecodes() throws Exception {
    // base64 of @msgpack/msgpack's encode({sid: "s1", pid: "p1", rooms: ["s1", "r"], data: {n: 1}})
    String node = "hKNzaWSiczGjcGlkonAxpXJvb21zkqJzMaFypGRhdGGBoW4B";
    StoredSession session = RedisSessionStore.decode(node);
    assertEquals(new StoredSession("s1", "p1", List.of("s1", "r"), map("n", 1L), List.of()), session);
    assertEquals(node, RedisSessionStore.encode(session));
    assertThrows(ClusterWireException.class, () -> RedisSessionStore.decode("%%"));
    assertThrows(ClusterWireException.class, () -> RedisSessionStore.decode("gaNzaWSiczE=")); // {sid: "s1"} only
  }

  @Test
  void restoreReturnsTheBroadcastsMissedInTheSessionsRooms() throws Exception {
    String offset = broadcast("before", List.of(), List.of());
    store.persist(new StoredSession("sid1", "pid1", List.of("sid1", "r"), map("name", "ann"), List.of()),
        Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS);
    String toAll = broadcast("to-all", List.of(), List.of());
    broadcast("to-other-room", List.of("other"), List.of());
    String toRoom = broadcast("to-r", List.of("r"), List.of());
    broadcast("except-r", List.of(), List.of("r"));

    StoredSession restored = store.restore("/", "pid1", offset).get(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals("sid1", restored.sid());
    assertEquals(map("name", "ann"), restored.data());
    assertEquals(List.of(List.of("to-all", toAll), List.of("to-r", toRoom)), restored.missedPackets());
    // Unlike the Node adapter (GETDEL), reading leaves the session: a client whose first attempt
    // died on the way (its connection cut mid-restore) may be trying again elsewhere at once.
    // The live socket's own entry replaces it on connect.
    assertEquals("sid1", store.restore("/", "pid1", offset).get(10, TimeUnit.SECONDS).orElseThrow().sid(),
        "a resume that died on the way can be tried again");
  }

  @Test
  void theResumePointTravelsBesideTheNodeAdaptersFourKeys() throws Exception {
    StoredSession session = new StoredSession("s1", "p1", List.of("s1"), map(), List.of(), "1700000000000-3");
    assertEquals(session, RedisSessionStore.decode(RedisSessionStore.encode(session)));
    // base64 of @msgpack/msgpack's encode({sid: "s1", pid: "p1", rooms: ["s1"], data: {}, resumePoint: "1-x"})
    String malformed = "haNzaWSiczGjcGlkonAxpXJvb21zkaJzMaRkYXRhgKtyZXN1bWVQb2ludKMxLXg=";
    assertEquals(null, RedisSessionStore.decode(malformed).resumePoint(), "a point that is not a stream id is unknown");
  }

  @Test
  void aClientWithoutOffsetResumesAfterItsSessionsResumePoint() throws Exception {
    broadcast("before", List.of(), List.of());
    String point = broadcast("start", List.of(), List.of());
    store.persist(new StoredSession("sid3", "pid3", List.of("sid3"), map(), List.of(), point), Duration.ofSeconds(30))
        .get(10, TimeUnit.SECONDS);
    store.persist(new StoredSession("sid4", "pid4", List.of("sid4"), map(), List.of()), Duration.ofSeconds(30))
        .get(10, TimeUnit.SECONDS);
    String after = broadcast("after", List.of(), List.of());

    StoredSession restored = store.restore("/", "pid3", null).get(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals(List.of(List.of("after", after)), restored.missedPackets());
    assertEquals(point, restored.resumePoint(), "kept for a client that still gets nothing before its next drop");
    assertTrue(store.restore("/", "pid4", null).get(10, TimeUnit.SECONDS).isEmpty(),
        "without a resume point (a session a Node node stored) there is nothing to resume from");
  }

  @Test
  void fromTheStartOfTheStreamOnlyWhileTheStreamHoldsEveryEntryEverAdded() throws Exception {
    RedisStreamsTransport own = new RedisStreamsTransport(client,
        RedisStreamsOptions.builder().streamName("from-start").build());
    try {
      RedisSessionStore fromStart = RedisSessionStore.on(own);
      fromStart.persist(new StoredSession("sid5", "pid5", List.of("sid5"), map(), List.of(),
          RedisSessionStore.STREAM_START), Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS);
      assertEquals(List.of(), fromStart.restore("/", "pid5", null).get(10, TimeUnit.SECONDS).orElseThrow()
          .missedPackets(), "no stream yet: nothing missed");
      ClusterWireMessage first = new ClusterWireMessage("aaaaaaaaaaaaaaaa", "/", 3, map(
          "packet", map("type", 2, "data", List.of("first")),
          "opts", map("rooms", List.of(), "except", List.of(), "flags", map())));
      String offset = own.publish(first).get(10, TimeUnit.SECONDS);
      assertEquals(List.of(List.of("first", offset)),
          fromStart.restore("/", "pid5", null).get(10, TimeUnit.SECONDS).orElseThrow().missedPackets());

      try (var probe = client.connect()) {
        probe.sync().xtrim("from-start", 0);
      }
      assertTrue(fromStart.restore("/", "pid5", null).get(10, TimeUnit.SECONDS).isEmpty(),
          "entries were trimmed since the start: some may be missed, so the session is not restored");
    } finally {
      own.close();
    }
  }

  @Test
  void unknownOffsetOrSessionRestoresNothing() throws Exception {
    String offset = broadcast("x", List.of(), List.of());
    store.persist(new StoredSession("sid2", "pid2", List.of("sid2"), null, List.of()), Duration.ofSeconds(30))
        .get(10, TimeUnit.SECONDS);
    assertTrue(store.restore("/", "pid2", "not-an-offset").get(10, TimeUnit.SECONDS).isEmpty());
    assertTrue(store.restore("/", "pid2", "1-1").get(10, TimeUnit.SECONDS).isEmpty());
    assertTrue(store.restore("/", "nobody", offset).get(10, TimeUnit.SECONDS).isEmpty());
  }
}
