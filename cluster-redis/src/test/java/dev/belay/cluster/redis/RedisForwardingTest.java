package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.engine.SessionIds;
import dev.belay.transport.BelayHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes with {@code forwarding(true)} on a real redis-server and nothing else configured:
 * they find each other through Redis, any request of a session may land on any node, and a node
 * that dies (stops advertising) or closes makes its sessions unknown everywhere, promptly.
 */
class RedisForwardingTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String UNKNOWN = "{\"code\":1,\"message\":\"Session ID unknown\"}";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  /** Test thread only. */
  private RedisServer redis;
  /** The nodes; test thread only. */
  private final List<Node> nodes = new ArrayList<>();

  private record Node(RedisClient client, Server io, Undertow undertow, String base) {
    void kill() { // no goodbye: HTTP gone and Redis connections cut, as with kill -9
      undertow.stop();
      client.shutdown(Duration.ZERO, Duration.ZERO);
    }
  }

  @BeforeEach
  void setUp() {
    redis = RedisServer.start();
    for (int i = 0; i < 3; i++) {
      RedisClient client = RedisClient.create(redis.uri());
      Server io = new Server(ServerOptions.builder()
          .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.builder().forwarding(true).build()))
          .build());
      io.on("connection", socket -> socket.on("echo", (args, ack) -> ack.send(args.get(0))));
      Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new BelayHandler(io, exchange -> {
        exchange.setStatusCode(404);
        exchange.endExchange();
      })).build();
      undertow.start();
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      nodes.add(new Node(client, io, undertow, "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling"));
    }
  }

  @AfterEach
  void tearDown() {
    for (Node n : nodes) {
      n.io().close();
      n.undertow().stop();
      n.client().shutdown();
    }
    redis.close();
  }

  private HttpResponse<String> get(Node node, String sid) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.base() + (sid == null ? "" : "&sid=" + sid))).timeout(TIMEOUT)
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private String post(Node node, String sid, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.base() + "&sid=" + sid)).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Polls at {@code node} until a packet other than a ping arrives. */
  private String nextPacket(Node node, String sid) throws Exception {
    while (true) {
      HttpResponse<String> r = get(node, sid);
      assertEquals(200, r.statusCode(), r.body());
      for (String p : r.body().split("\u001e")) if (!p.equals("2")) return p;
    }
  }

  private String handshake(Node node) throws Exception {
    String body = get(node, null).body();
    assertTrue(body.startsWith("0{\"sid\":\""), body);
    return body.substring(9, body.indexOf('"', 9));
  }

  @Test
  void nodesFindEachOtherThroughRedisAndServeEachOthersSessions() throws Exception {
    String sid = handshake(nodes.get(0));
    assertEquals(SessionIds.tagOf(sid), nodes.get(0).io().engine().nodeTag(), "the sid names its node");
    assertEquals("ok", post(nodes.get(1), sid, "40"));
    assertTrue(nextPacket(nodes.get(2), sid).startsWith("40{\"sid\""), "CONNECT answered through another node");
    for (int i = 0; i < 30; i++) {
      assertEquals("ok", post(nodes.get((i + 1) % 3), sid, "42" + i + "[\"echo\",\"m" + i + "\"]"));
      assertEquals("43" + i + "[\"m" + i + "\"]", nextPacket(nodes.get((i + 2) % 3), sid));
    }
    assertEquals(1, nodes.get(0).io().engine().clientsCount());
    assertEquals(0, nodes.get(1).io().engine().clientsCount() + nodes.get(2).io().engine().clientsCount());

    RedisClient reader = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = reader.connect()) {
      Map<String, String> advertised = c.sync().hgetall("socket.io:belay-nodes");
      String node0 = advertised.get(nodes.get(0).io().engine().nodeTag());
      assertTrue(node0 != null && nodes.get(0).base().startsWith("http://" + node0.split(" ")[0] + "/"),
          "node 0 advertises the address it was reached at: " + advertised);
    } finally {
      reader.shutdown();
    }
  }

  @Test
  void aKilledNodesSessionsAreUnknownAtOnceAndItsEntryExpires() throws Exception {
    String sid = handshake(nodes.get(2));
    String tag = nodes.get(2).io().engine().nodeTag();
    assertEquals("ok", post(nodes.get(0), sid, "40"));
    assertTrue(nextPacket(nodes.get(1), sid).startsWith("40"));
    nodes.get(2).kill();
    // Still listed, unreachable: served here, where the session is unknown (not a proxy error).
    for (Node other : List.of(nodes.get(0), nodes.get(1))) {
      HttpResponse<String> r = get(other, sid);
      assertEquals(400, r.statusCode(), r.body());
      assertEquals(UNKNOWN, r.body());
    }
    // And the directory forgets it once its entry is no longer rewritten.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (nodes.get(0).io().engine().sessionOwners().addressOf(tag) != null) {
      assertTrue(System.nanoTime() < deadline, "the killed node is still listed after " + TIMEOUT);
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // a condition poll, not a fixed wait
    }
  }

  @Test
  void aClosedNodesSessionsAreUnknownAtOnce() throws Exception {
    String sid = handshake(nodes.get(1));
    assertEquals("ok", post(nodes.get(2), sid, "40"));
    assertTrue(nextPacket(nodes.get(0), sid).startsWith("40"));
    nodes.get(1).io().close();
    nodes.get(1).undertow().stop();
    awaitUnknown(nodes.get(0), sid);
    HttpResponse<String> again = get(nodes.get(2), sid);
    assertNotEquals(200, again.statusCode());
  }

  /** Polls until the answer is the usual unknown-session one (a dead owner may first answer 503 through the proxy). */
  private void awaitUnknown(Node node, String sid) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    HttpResponse<String> r;
    do {
      r = get(node, sid);
      if (r.statusCode() == 400 && r.body().equals(UNKNOWN)) return;
    } while (System.nanoTime() < deadline);
    throw new AssertionError("never answered unknown session; last: " + r.statusCode() + " " + r.body());
  }
}
