package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Await;
import dev.belay.testing.Nginx;
import dev.belay.testing.NodeScript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.json.JSONArray;
import org.junit.jupiter.api.Test;

/**
 * Three {@code cluster-node --forwarding} processes on a real redis-server behind the round-robin
 * nginx recipe (no stickiness), official socket.io-clients on long-polling with connection state
 * recovery, broadcasts going on; one node is killed with SIGKILL mid-run. Its clients' requests get
 * the unknown-session answer on whichever node they land, they reconnect through the balancer,
 * recover their sessions on the other nodes, and every client ends up with every broadcast once
 * and in order.
 */
class RoundRobinKillTest {
  private static final int CLIENTS = 9;
  private static final Duration STEP = Duration.ofSeconds(30);

  @Test
  void theClientsOfAKilledNodeRecoverThroughTheOthersAndMissNothing() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ChildClusterNode a = ChildClusterNode.start(redis.uri(), "--forwarding");
        ChildClusterNode b = ChildClusterNode.start(redis.uri(), "--forwarding");
        ChildClusterNode c = ChildClusterNode.start(redis.uri(), "--forwarding");
        Nginx nginx = RoundRobinClusterTest.roundRobin(List.of(a.port(), b.port(), c.port()));
        Client sender = Client.connect("http://127.0.0.1:" + a.port(), null)) {
      awaitCluster(sender);
      try (NodeScript.Running script = NodeScript.start("drain-clients.mjs",
          "http://127.0.0.1:" + nginx.port(), Integer.toString(CLIENTS), "r", "polling")) {
        DrainClients clients = new DrainClients(script, CLIENTS, STEP);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          JsonObject connect = clients.next(i, "connect");
          assertFalse(connect.get("recovered").getAsBoolean());
          ids.add(connect.get("id").getAsString());
        }
        // What a node keeps in Redis of its live sockets is written shortly after they connect
        // (coalesced); a node killed before that cannot give them their sessions back.
        awaitLiveSessions(redis, CLIENTS + 1);
        List<String> sent = new ArrayList<>();
        for (int n = 0; n < 20; n++) broadcast(sender, "m" + n, sent);

        c.kill();
        // Forty broadcasts while C's clients notice and come back (each waits up to 50 ms for what
        // the clients report, so the phase lasts long enough for every one of them to drop), then
        // until every client that dropped is back.
        Set<Integer> dropped = new HashSet<>();
        Set<Integer> back = new HashSet<>();
        for (int n = 20; n < 60; n++) {
          broadcast(sender, "m" + n, sent);
          for (JsonObject line; (line = clients.poll(Duration.ofMillis(50))) != null; ) {
            track(clients, line, ids, dropped, back);
          }
        }
        while (back.size() < dropped.size()) track(clients, clients.any(), ids, dropped, back);
        assertFalse(dropped.isEmpty(), "round robin put some clients on the killed node");
        assertTrue(dropped.size() < CLIENTS, "only the killed node's clients dropped: " + dropped);
        broadcast(sender, "end", sent);
        for (int i = 0; i < CLIENTS; i++) {
          assertEquals(sent, clients.messagesUntil(i, "end"), "client " + i + " got every broadcast once, in order"
              + " (dropped " + dropped + ", back " + back + ")");
        }
      }
    }
  }

  /** Notes a client's drop or recovered return; keeps its messages for later. */
  private static void track(DrainClients clients, JsonObject line, List<String> ids, Set<Integer> dropped,
      Set<Integer> back) {
    int i = line.get("i").getAsInt();
    switch (line.get("event").getAsString()) {
      case "disconnect" -> dropped.add(i);
      case "connect" -> {
        assertTrue(line.get("recovered").getAsBoolean(), "client " + i + " recovered: " + line);
        assertEquals(ids.get(i), line.get("id").getAsString(), "same socket id after recovery");
        back.add(i);
      }
      default -> clients.keep(line);
    }
  }

  private static void broadcast(Client sender, String msg, List<String> sent) {
    sent.add(msg);
    assertEquals("ok", String.valueOf(sender.request("broadcast",
        new org.json.JSONObject(Map.of("room", "r", "msg", msg)))[0]));
  }

  /** Waits until Redis holds the live sessions of {@code count} sockets (the clients and the sender). */
  private static void awaitLiveSessions(RedisServer redis, int count) {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      Await.until(() -> connection.sync().keys("sio:session:*").size() >= count, STEP,
          count + " live sessions in Redis");
    } finally {
      client.shutdown();
    }
  }

  /** Waits until A hears from both other nodes. */
  private static void awaitCluster(Client sender) {
    Instant deadline = Instant.now().plus(STEP);
    Object answer;
    do {
      answer = sender.request("nodes")[0];
    } while (!(answer instanceof JSONArray list && list.length() == 2) && Instant.now().isBefore(deadline));
    assertTrue(answer instanceof JSONArray list && list.length() == 2, "the cluster formed: " + answer);
  }
}
