package dev.belay.cluster.redis;

import dev.belay.AdapterContractTest;
import dev.belay.Server;
import dev.belay.adapter.AdapterFactory;
import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The adapter contract (core's {@link AdapterContractTest}) on three Belay servers whose
 * {@link RedisStreamsAdapter}s share a real redis-server. Waiting for quiet means: every node is
 * subscribed, every node has read the stream up to its end, and every node has handled a Pub/Sub
 * ping sent after everything else (Redis keeps one connection's messages in order).
 */
class RedisAdapterContractTest extends AdapterContractTest {
  private static RedisServer redis;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> probe;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    client = RedisClient.create(redis.uri());
    probe = client.connect();
  }

  @AfterAll
  static void stopRedis() {
    probe.close();
    client.shutdown();
    redis.close();
  }

  @Override
  protected int nodes() {
    return 3;
  }

  @Override
  protected AdapterFactory adapterFactory(int node) {
    return RedisStreamsAdapter.factory(client, RedisStreamsOptions.defaults());
  }

  private List<RedisStreamsAdapter> adapters() {
    List<RedisStreamsAdapter> adapters = new ArrayList<>();
    for (Server server : servers) adapters.add((RedisStreamsAdapter) server.of("/").adapter());
    return adapters;
  }

  @Override
  protected void awaitQuiet() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    List<RedisStreamsAdapter> adapters = adapters();
    for (RedisStreamsAdapter adapter : adapters) adapter.transport().reading().get(30, TimeUnit.SECONDS);
    until(deadline, "every node subscribed", () -> probe.sync().pubsubNumsub("socket.io#/#").get("socket.io#/#")
        == adapters.size());
    // two rounds: what the first round's messages caused (responses, heartbeats) is settled by the second
    for (int round = 0; round < 2; round++) {
      List<StreamMessage<String, String>> last =
          probe.sync().xrevrange("socket.io", Range.unbounded(), Limit.create(0, 1));
      String end = last.isEmpty() ? "0-0" : last.get(0).getId();
      for (RedisStreamsAdapter adapter : adapters) {
        RedisStreamsTransport t = adapter.transport();
        until(deadline, "stream read to " + end, () -> t.lastReadId() != null && compareIds(t.lastReadId(), end) >= 0);
      }
      for (RedisStreamsAdapter adapter : adapters) {
        RedisStreamsTransport t = adapter.transport();
        long before = t.pubSubHandled();
        probe.sync().publish("socket.io#/#" + adapter.uid() + "#", "quiet?"); // not MessagePack: dropped, counted
        until(deadline, "Pub/Sub ping handled", () -> t.pubSubHandled() > before);
      }
    }
  }

  private static int compareIds(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  private interface Condition {
    boolean holds();
  }

  /** Polls {@code condition} (Redis round trips, not timing) until it holds or the deadline passes. */
  private static void until(Instant deadline, String what, Condition condition) {
    while (!condition.holds()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("not reached within 30 s: " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }
}
