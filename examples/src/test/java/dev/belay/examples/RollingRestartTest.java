package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Await;
import dev.belay.testing.Haproxy;
import dev.belay.testing.NodeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of a whole cluster under load: three {@code forwarding} nodes on a real
 * redis-server behind the round-robin HAProxy recipe (no stickiness; its health check takes a
 * draining node out of rotation within a second), 300 official socket.io-clients
 * (Node, polling then WebSocket, connection state recovery) in one room, a broadcast to the room
 * every 100 ms from a fourth node that has no clients. Each node in turn is drained over
 * {@value #SPREAD_SECONDS} s, stopped, started again on its port, and the next one waits until the
 * balancer has it back in rotation. Every client gets every
 * broadcast once and in order, every reconnection resumes the client's session, and no node sees
 * more than a third of the clients connect to it within any one second.
 */
class RollingRestartTest {
  private static final int CLIENTS = 300;
  private static final int SPREAD_SECONDS = 3;
  private static final Duration STEP = Duration.ofSeconds(60);

  @Test
  void aClusterRestartedNodeByNodeWithDrainLosesNoBroadcastAndSpreadsTheReconnections() throws Exception {
    Map<Integer, List<Long>> connectedAt = new ConcurrentHashMap<>();
    List<ClusterNode> nodes = new ArrayList<>();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (RedisServer redis = RedisServer.start();
        ClusterNode publisher = ClusterNode.start("127.0.0.1", 0, redis.uri(), true)) {
      List<Integer> ports = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        ClusterNode node = recorded(ClusterNode.start("127.0.0.1", 0, redis.uri(), true), connectedAt);
        nodes.add(node);
        ports.add(node.port());
      }
      try (Haproxy balancer = HaproxyRoundRobinClusterTest.roundRobin(ports);
          NodeScript.Running clients = NodeScript.start("rolling-clients.mjs",
              "http://127.0.0.1:" + balancer.port(), Integer.toString(CLIENTS), "r")) {
        Map<Integer, String> ids = new HashMap<>();
        while (ids.size() < CLIENTS) {
          JsonObject line = next(clients);
          assertEquals("connect", line.get("event").getAsString(), line.toString());
          ids.put(line.get("i").getAsInt(), line.get("id").getAsString());
        }
        for (int k = 0; k < 3; k++) {
          assertTrue(nodes.get(k).io().health().sessions() > 0, "round robin put clients on node " + k);
        }
        // Broadcast 0: every client has it before the restarts begin.
        AtomicInteger sent = new AtomicInteger();
        publisher.io().to("r").emit("msg", 0);
        assertEquals("ready", next(clients).get("event").getAsString());

        long restartsBegan = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> publisher.io().to("r").emit("msg", sent.incrementAndGet()),
            100, 100, TimeUnit.MILLISECONDS);
        StringBuilder phases = new StringBuilder();
        for (int k = 0; k < 3; k++) {
          ClusterNode node = nodes.get(k);
          phases.append(" drain ").append(ports.get(k)).append('@').append(ms(restartsBegan));
          Await.get(node.io().drain(Duration.ofSeconds(SPREAD_SECONDS)), STEP, "node " + k + " drained");
          phases.append(" close@").append(ms(restartsBegan));
          node.close();
          nodes.set(k, recorded(ClusterNode.start("127.0.0.1", ports.get(k), redis.uri(), true), connectedAt));
          // As a deploy does: the next node drains once the balancer sends this one requests again.
          String server = "node" + (k + 1);
          Await.until(() -> balancer.serverUp("belay_nodes", server), STEP, server + " back in rotation");
          phases.append(" up@").append(ms(restartsBegan));
        }
        // The last broadcast, once every node is back.
        ticker.shutdown();
        assertTrue(ticker.awaitTermination(10, TimeUnit.SECONDS));
        int last = sent.incrementAndGet();
        publisher.io().to("r").emit("msg", last);
        clients.send("report " + last);

        int reconnects = 0;
        JsonObject report;
        while (!(report = next(clients)).get("event").getAsString().equals("report")) {
          if (report.get("event").getAsString().equals("connect")) {
            reconnects++;
            int i = report.get("i").getAsInt();
            assertTrue(report.get("recovered").getAsBoolean(), "client " + i + " resumed its session: " + report);
            assertEquals(ids.get(i), report.get("id").getAsString(), "client " + i + " kept its id");
          }
        }
        assertEquals(CLIENTS, report.get("complete").getAsInt(),
            "clients that got every one of " + (last + 1) + " broadcasts once and in order: " + report);
        assertTrue(reconnects >= CLIENTS, "every client moved at least once: " + reconnects);

        for (Map.Entry<Integer, List<Long>> node : connectedAt.entrySet()) {
          List<Long> times = new ArrayList<>(node.getValue());
          times.removeIf(t -> t < restartsBegan);
          Collections.sort(times);
          int busiest = 0;
          for (int a = 0, b = 0; b < times.size(); b++) {
            while (times.get(b) - times.get(a) >= TimeUnit.SECONDS.toNanos(1)) a++;
            busiest = Math.max(busiest, b - a + 1);
          }
          StringBuilder timeline = new StringBuilder();
          for (long t : times) timeline.append(' ').append((t - restartsBegan) / 1_000_000);
          assertTrue(busiest <= CLIENTS / 3, "node on port " + node.getKey() + " saw " + busiest
              + " clients connect within one second (of " + times.size() + " during the restarts);"
              + phases + "; connects at ms:" + timeline);
        }
      }
    } finally {
      ticker.shutdownNow();
      nodes.forEach(ClusterNode::close);
    }
  }

  /** {@code node}, noting when each socket connects to it, by port (a restarted node keeps its port). */
  private static ClusterNode recorded(ClusterNode node, Map<Integer, List<Long>> connectedAt) {
    List<Long> times = connectedAt.computeIfAbsent(node.port(), p -> Collections.synchronizedList(new ArrayList<>()));
    node.io().on("connection", socket -> times.add(System.nanoTime()));
    return node;
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static JsonObject next(NodeScript.Running clients) {
    return JsonParser.parseString(clients.nextLine(STEP)).getAsJsonObject();
  }
}
