package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.NodeClusterNode;
import dev.belay.cluster.redis.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transport speaks the Node adapter's wire format: a Node Socket.IO 4.8 server with
 * {@code @socket.io/redis-streams-adapter} 0.3 and this transport share one Redis, and messages
 * cross in both directions (stream and Pub/Sub), seen by an official client of the Node node.
 */
class NodeWireInteropTest {
  private static final String UID = "0123456789abcdef";

  private static RedisServer redis;
  private static RedisClient redisClient;
  private static RedisStreamsTransport transport;
  private static NodeClusterNode node;
  private static final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    redisClient = RedisClient.create(redis.uri());
    transport = new RedisStreamsTransport(redisClient, RedisStreamsOptions.defaults());
    transport.register("/", UID, (message, offset) -> {
      if (message.type() == ClusterWireMessage.SERVER_SIDE_EMIT && message.data().get("requestId") != null) {
        transport.publishResponse(message.uid(), new ClusterWireMessage(UID, "/", ClusterWireMessage.SERVER_SIDE_EMIT_RESPONSE,
            map("requestId", message.data().get("requestId"), "packet", "node-java")));
      }
      received.add(new Object[] {message, offset});
    }).get(10, TimeUnit.SECONDS);
    transport.reading().get(10, TimeUnit.SECONDS);
    node = NodeClusterNode.start(redis.uri());
    // the Node adapter subscribes in the background after listening: wait until Redis counts it
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
    while (transport.serverCount("/").get(10, TimeUnit.SECONDS) < 2) {
      if (java.time.Instant.now().isAfter(deadline)) throw new AssertionError("the Node node never subscribed");
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (transport != null) transport.close();
    if (redisClient != null) redisClient.shutdown();
    if (redis != null) redis.close();
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  /** The next message of {@code type} whose payload mentions {@code marker}. */
  private static Object[] nextOfType(int type, String marker) throws InterruptedException {
    while (true) {
      Object[] item = received.poll(20, TimeUnit.SECONDS);
      assertNotNull(item, "no cluster message of type " + type + " with " + marker + " within 20 s");
      ClusterWireMessage message = (ClusterWireMessage) item[0];
      if (message.type() == type && String.valueOf(message.data()).contains(marker)) return item;
    }
  }

  @Test
  void broadcastAppendedByJavaReachesTheRoomOnTheNodeNode() throws Exception {
    try (Client inRoom = Client.connect(node.url(), "r1"); Client outside = Client.connect(node.url(), "r2")) {
      ClusterWireMessage broadcast = new ClusterWireMessage(UID, "/", ClusterWireMessage.BROADCAST, map(
          "packet", map("type", 2, "data", List.of("msg", "from-java", new byte[] {1, 2}), "nsp", "/"),
          "opts", map("rooms", List.of("r1"), "except", List.of(), "flags", map())));
      String offset = transport.publish(broadcast).get(10, TimeUnit.SECONDS);
      assertTrue(offset.matches("\\d+-\\d+"), offset);

      Object[] args = inRoom.next("msg");
      assertEquals("from-java", args[0]);
      assertEquals(List.of((byte) 1, (byte) 2), List.of(((byte[]) args[1])[0], ((byte[]) args[1])[1]));
      // connection state recovery is on in the Node node: it stamps the stream id as the last argument
      assertEquals(offset, args[2]);
      inRoom.request("broadcast", new JSONObject().put("room", "r2").put("msg", "marker"));
      assertEquals("marker", outside.next("msg")[0]);
    }
  }

  @Test
  void broadcastByTheNodeNodeArrivesFromTheStreamWithItsOffset() throws Exception {
    try (Client client = Client.connect(node.url(), null)) {
      Object[] ack = client.request("broadcast", new JSONObject().put("room", JSONObject.NULL).put("msg", "from-node"));
      assertEquals("ok", ack[0]);
      Object[] item = nextOfType(ClusterWireMessage.BROADCAST, "from-node");
      ClusterWireMessage message = (ClusterWireMessage) item[0];
      // Node leaves the namespace out of the packet: the message names it
      assertEquals(map("type", 2L, "data", List.of("msg", "from-node")), message.data().get("packet"));
      assertTrue(((String) item[1]).matches("\\d+-\\d+"));
    }
  }

  @Test
  void liveNodesAreReadFromTheirPrivateChannels() throws Exception {
    java.util.Set<String> nodes = transport.nodes("/").get(10, TimeUnit.SECONDS);
    assertEquals(2, nodes.size(), nodes.toString());
    assertTrue(nodes.contains(UID));
    assertTrue(nodes.stream().anyMatch(uid -> uid.matches("[0-9a-f]{16}") && !uid.equals(UID)), nodes.toString());
    assertEquals(java.util.Set.of(), transport.nodes("/admin").get(10, TimeUnit.SECONDS));
  }

  @Test
  void serverSideEmitWithAckFromNodeIsAnsweredOverPubSub() throws Exception {
    assertEquals(2L, transport.serverCount("/").get(10, TimeUnit.SECONDS));
    try (Client client = Client.connect(node.url(), null)) {
      Object[] ack = client.request("nodes");
      assertEquals(new JSONArray(List.of("node-java")).toString(), ack[0].toString());
      Object[] item = nextOfType(ClusterWireMessage.SERVER_SIDE_EMIT, "hello");
      assertEquals(List.of("hello"), ((ClusterWireMessage) item[0]).data().get("packet"));
      assertEquals(null, item[1]);
    }
  }
}
