package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.transport.BelayHandler;
import io.lettuce.core.RedisClient;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node that closes (the end of a drain, a deploy) stores its sockets' sessions in Redis before
 * {@code close()} returns, so an application that shuts its Redis client down right after loses
 * none of them: the clients resume on another node. Two nodes on a real redis-server, a polling
 * client spoken by hand with the JDK's HttpClient.
 */
class ClosingNodeRecoveryTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private record Node(RedisClient client, Server io, Undertow undertow, String base) {
    static Node start(String redisUri) {
      RedisClient client = RedisClient.create(redisUri);
      Server io = new Server(ServerOptions.builder()
          .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.builder().build()))
          .connectionStateRecovery(ConnectionStateRecovery.defaults())
          .build());
      Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new BelayHandler(io.engine())).build();
      undertow.start();
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      return new Node(client, io, undertow, "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling");
    }

    void close() {
      io.close();
      undertow.stop();
      client.shutdown();
    }
  }

  @Test
  void aClosedNodesClientsResumeOnAnotherNodeEvenWhenRedisIsShutDownRightAfter() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      Node a = Node.start(redis.uri());
      Node b = Node.start(redis.uri());
      try {
        String sid = handshake(a);
        assertEquals("ok", post(a, sid, "40"));
        Matcher connected = Pattern.compile("40\\{\"sid\":\"([^\"]+)\",\"pid\":\"([^\"]+)\"}").matcher(nextPacket(a, sid));
        assertTrue(connected.matches(), connected.toString());
        String socketId = connected.group(1);
        String pid = connected.group(2);
        a.io().emit("tick", 1);
        Matcher tick = Pattern.compile("42\\[\"tick\",1,\"([^\"]+)\"]").matcher(nextPacket(a, sid));
        assertTrue(tick.matches(), "a tick with its offset");

        a.close(); // io.close(), then the Redis client at once

        String sidOnB = handshake(b);
        assertEquals("ok", post(b, sidOnB, "40{\"pid\":\"" + pid + "\",\"offset\":\"" + tick.group(1) + "\"}"));
        assertEquals("40{\"sid\":\"" + socketId + "\",\"pid\":\"" + pid + "\"}", nextPacket(b, sidOnB),
            "the socket resumed on B with its id");
      } finally {
        b.close();
      }
    }
  }

  private HttpResponse<String> get(Node node, String sid) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.base() + (sid == null ? "" : "&sid=" + sid))).timeout(TIMEOUT)
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private String post(Node node, String sid, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.base() + "&sid=" + sid)).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Polls until a packet other than a ping arrives. */
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
}
