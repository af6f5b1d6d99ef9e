package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.NodeClusterNode;
import dev.belay.cluster.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three Belay nodes ({@link ClusterNode}) and one Node Socket.IO 4.8 node with
 * {@code @socket.io/redis-streams-adapter} 0.3 in one cluster on a real redis-server, with the
 * official Java client on every node: every cluster operation works from a Belay node to the Node
 * node's clients and from the Node node to the Belay nodes' clients.
 */
class ClusterInteropTest {
  private static RedisServer redis;
  private static final List<ClusterNode> belay = new ArrayList<>();
  private static NodeClusterNode node;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    for (int i = 0; i < 3; i++) belay.add(ClusterNode.start("127.0.0.1", 0, redis.uri()));
    node = NodeClusterNode.start(redis.uri());
    awaitCluster();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    belay.forEach(ClusterNode::close);
    if (redis != null) redis.close();
  }

  /** Until every node answers {@code nodes} with the other three (discovery takes about a second). */
  private static void awaitCluster() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    List<String> urls = urls();
    for (String url : urls) {
      try (Client probe = Client.connect(url, null)) {
        while (true) {
          Object answer = probe.request("nodes")[0];
          if (answer instanceof JSONArray list && list.length() == 3) break;
          if (Instant.now().isAfter(deadline)) throw new AssertionError("cluster not formed: " + url + " sees " + answer);
        }
      }
    }
  }

  private static List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (ClusterNode n : belay) urls.add(n.url());
    urls.add(node.url());
    return urls;
  }

  private static List<String> strings(Object jsonArray) throws org.json.JSONException {
    List<String> out = new ArrayList<>();
    JSONArray array = (JSONArray) jsonArray;
    for (int i = 0; i < array.length(); i++) out.add(array.get(i).toString());
    return out;
  }

  private static void broadcastReachesTheRoomOnEveryNode(String fromUrl) throws Exception {
    List<Client> inRoom = new ArrayList<>();
    List<Client> outside = new ArrayList<>();
    try {
      for (String url : urls()) {
        inRoom.add(Client.connect(url, "a"));
        outside.add(Client.connect(url, "b"));
      }
      try (Client sender = Client.connect(fromUrl, null)) {
        assertEquals("ok", sender.request("broadcast", new JSONObject().put("room", "a").put("msg", "to-a"))[0]);
        for (Client c : inRoom) assertEquals("to-a", c.next("msg")[0]);
        assertEquals("ok", sender.request("broadcast", new JSONObject().put("room", "b").put("msg", "to-b"))[0]);
        // room b's first message is to-b: to-a never reached it
        for (Client c : outside) assertEquals("to-b", c.next("msg")[0]);
        assertEquals("ok", sender.request("broadcast", new JSONObject().put("room", JSONObject.NULL).put("msg", "all"))[0]);
        for (Client c : inRoom) assertEquals("all", c.next("msg")[0]);
        for (Client c : outside) assertEquals("all", c.next("msg")[0]);
      }
    } finally {
      inRoom.forEach(Client::close);
      outside.forEach(Client::close);
    }
  }

  @Test
  void broadcastFromBelayReachesClientsOfEveryNode() throws Exception {
    broadcastReachesTheRoomOnEveryNode(belay.get(0).url());
  }

  @Test
  void broadcastFromNodeReachesClientsOfEveryNode() throws Exception {
    broadcastReachesTheRoomOnEveryNode(node.url());
  }

  @Test
  void exceptFromBelayLeavesTheRoomOutOnTheNodeNode() throws Exception {
    try (Client skipped = Client.connect(node.url(), "x"); Client reached = Client.connect(node.url(), "y")) {
      belay.get(1).io().except("x").emit("msg", "not-x");
      assertEquals("not-x", reached.next("msg")[0]);
      belay.get(1).io().to("x").emit("msg", "x-only");
      assertEquals("x-only", skipped.next("msg")[0]);
    }
  }

  @Test
  void fetchSocketsSpansTheClusterBothWays() throws Exception {
    List<Client> clients = new ArrayList<>();
    try {
      for (String url : urls()) clients.add(Client.connect(url, "fetch"));
      TreeSet<String> expected = new TreeSet<>();
      for (Client c : clients) expected.add(c.id());
      for (Client asker : List.of(clients.get(0), clients.get(3))) {
        List<String> ids = strings(asker.request("fetch")[0]);
        assertTrue(ids.containsAll(expected), "fetch from " + asker.id() + " saw " + ids + ", expected " + expected);
      }
    } finally {
      clients.forEach(Client::close);
    }
  }

  @Test
  void serverSideEmitWithAcksIsAnsweredByEveryOtherNode() throws Exception {
    List<String> all = new ArrayList<>();
    for (ClusterNode n : belay) all.add("node-" + n.port());
    all.add("node-" + node.port());
    for (String url : urls()) {
      try (Client asker = Client.connect(url, null)) {
        List<String> expected = new ArrayList<>(all);
        expected.remove("node-" + url.substring(url.lastIndexOf(':') + 1));
        expected.sort(null);
        assertEquals(expected, strings(asker.request("nodes")[0]), "answers to a node at " + url);
      }
    }
  }

  @Test
  void broadcastWithAcksCollectsAnswersFromEveryNode() throws Exception {
    List<Client> clients = new ArrayList<>();
    try {
      for (String url : urls()) clients.add(Client.connect(url, "ask"));
      TreeSet<String> expected = new TreeSet<>();
      for (Client c : clients) expected.add(c.id());
      for (Client asker : List.of(clients.get(1), clients.get(3))) {
        Object answer = asker.request("ask-all", new JSONObject().put("room", "ask"))[0];
        assertEquals(expected, new TreeSet<>(strings(answer)), "ask-all from " + asker.id());
      }
    } finally {
      clients.forEach(Client::close);
    }
  }

  @Test
  void socketsJoinAndDisconnectSocketsReachRemoteSockets() throws Exception {
    try (Client onBelay = Client.connect(belay.get(2).url(), "j1"); Client onNode = Client.connect(node.url(), "j2");
        Client driverOnNode = Client.connect(node.url(), null); Client driverOnBelay = Client.connect(belay.get(0).url(), null)) {
      // the Node node makes every socket join "joined"; a Belay broadcast to it reaches both
      assertEquals("ok", driverOnNode.request("join-all", "joined")[0]);
      assertEquals("ok", driverOnBelay.request("broadcast", new JSONObject().put("room", "joined").put("msg", "j"))[0]);
      assertEquals("j", onBelay.next("msg")[0]);
      assertEquals("j", onNode.next("msg")[0]);

      var belayGone = onBelay.disconnected();
      var nodeGone = onNode.disconnected();
      assertEquals("ok", driverOnNode.request("disconnect-room", "j1")[0]);
      assertEquals("io server disconnect", belayGone.get(20, TimeUnit.SECONDS));
      assertEquals("ok", driverOnBelay.request("disconnect-room", "j2")[0]);
      assertEquals("io server disconnect", nodeGone.get(20, TimeUnit.SECONDS));
    }
  }
}
