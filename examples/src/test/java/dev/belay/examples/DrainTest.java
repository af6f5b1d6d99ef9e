package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.engine.CloseReason;
import dev.belay.testing.Await;
import dev.belay.testing.ChaosProxy;
import dev.belay.testing.NodeScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.json.JSONArray;
import org.junit.jupiter.api.Test;

/**
 * A rolling deploy's drain: node A of a two-node cluster on a real redis-server drains over 4 s
 * while eight official socket.io-clients (Node, WebSocket, connection state recovery) are on it
 * through a plain TCP balancer. A refuses handshakes at once (503 and a JSON body; the clients
 * that try it get connect_error and try again), its health says draining, the balancer takes it
 * out, and A closes its sessions one by one spread over the 4 s. Every client comes back on B
 * with the same id, recovered, and gets every broadcast sent meanwhile, once and in order.
 */
class DrainTest {
  private static final int CLIENTS = 8;
  private static final Duration SPREAD = Duration.ofSeconds(4);
  private static final Duration STEP = Duration.ofSeconds(30);

  @Test
  void aDrainedNodesClientsMoveToAnotherNodeOneByOneAndMissNothing() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ClusterNode a = ClusterNode.start("127.0.0.1", 0, redis.uri());
        ClusterNode b = ClusterNode.start("127.0.0.1", 0, redis.uri());
        ChaosProxy balancer = ChaosProxy.faithful(a.port());
        Client sender = Client.connect(b.url(), null)) {
      List<Long> closedAt = Collections.synchronizedList(new ArrayList<>());
      List<CloseReason> reasons = Collections.synchronizedList(new ArrayList<>());
      a.io().engine().onConnection(s -> s.onClose((reason, description) -> {
        closedAt.add(System.nanoTime());
        reasons.add(reason);
      }));
      awaitCluster(sender, a.port());

      try (NodeScript.Running script = NodeScript.start("drain-clients.mjs",
          "http://127.0.0.1:" + balancer.port(), Integer.toString(CLIENTS), "r")) {
        DrainClients clients = new DrainClients(script, CLIENTS, STEP);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          JsonObject connect = clients.next(i, "connect");
          assertFalse(connect.get("recovered").getAsBoolean());
          ids.add(connect.get("id").getAsString());
        }
        assertEquals(CLIENTS, a.io().health().sessions());
        List<String> sent = new ArrayList<>();
        broadcast(sender, "m0", sent);
        for (int i = 0; i < CLIENTS; i++) assertEquals("m0", clients.next(i, "msg").get("msg").getAsString());
        sent.clear(); // from here on, what each client must get

        long start = System.nanoTime();
        CompletableFuture<Void> drained = a.io().drain(SPREAD);
        assertTrue(a.io().health().draining());
        assertFalse(a.io().health().serving());
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(a.url() + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, refused.statusCode());
        assertEquals("{\"code\":4,\"message\":\"Server draining\"}", refused.body());
        balancer.retarget(b.port()); // the balancer's health check takes A out of rotation

        // One broadcast each time a client drops, so that some are sent while clients are away.
        int disconnects = 0;
        int recovered = 0;
        while (recovered < CLIENTS) {
          JsonObject line = clients.any();
          int i = line.get("i").getAsInt();
          switch (line.get("event").getAsString()) {
            case "disconnect" -> {
              disconnects++;
              assertNotEquals("io server disconnect", line.get("reason").getAsString(), "a drain is a close to recover from");
              broadcast(sender, "m" + disconnects, sent);
            }
            case "connect" -> {
              assertTrue(line.get("recovered").getAsBoolean(), "client " + i + " recovered on B: " + line);
              assertEquals(ids.get(i), line.get("id").getAsString());
              recovered++;
            }
            default -> clients.keep(line);
          }
        }
        assertEquals(CLIENTS, disconnects, "each client dropped once");
        Await.get(drained, STEP, "the drain to complete");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        broadcast(sender, "end", sent);

        for (int i = 0; i < CLIENTS; i++) {
          assertEquals(sent, clients.messagesUntil(i, "end"), "client " + i + " got every broadcast once, in order");
        }
        assertEquals(0, a.io().health().sessions());
        assertEquals(CLIENTS + 1, b.io().health().sessions(), "the clients and the sender");
        assertEquals(List.of(CloseReason.SERVER_SHUTTING_DOWN), reasons.stream().distinct().toList());

        // Spread: one close per slot of SPREAD / CLIENTS, so the first and last are most of SPREAD apart,
        // and no quarter of the spread holds more than half the closes.
        List<Long> times = new ArrayList<>(closedAt);
        Collections.sort(times);
        long firstToLast = (times.get(times.size() - 1) - times.get(0)) / 1_000_000;
        assertTrue(firstToLast >= SPREAD.toMillis() / 2, "closes " + firstToLast + " ms apart, drain took " + tookMillis);
        long quarter = SPREAD.toNanos() / 4;
        for (long t : times) {
          long inWindow = times.stream().filter(u -> u >= t && u < t + quarter).count();
          assertTrue(inWindow <= CLIENTS / 2, inWindow + " closes within a quarter of the spread");
        }
      }
    }
  }

  private static void broadcast(Client sender, String msg, List<String> sent) {
    sent.add(msg);
    assertEquals("ok", String.valueOf(sender.request("broadcast",
        new org.json.JSONObject(Map.of("room", "r", "msg", msg)))[0]));
  }

  /** Waits until B hears from A: its answer to {@code hello} arrives. */
  private static void awaitCluster(Client sender, int aPort) {
    Instant deadline = Instant.now().plus(STEP);
    Object answer;
    do {
      answer = sender.request("nodes")[0];
    } while (!(answer instanceof JSONArray list && list.length() == 1) && Instant.now().isBefore(deadline));
    assertEquals("[\"node-" + aPort + "\"]", String.valueOf(answer));
  }
}
