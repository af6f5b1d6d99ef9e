package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Nginx;
import dev.belay.testing.NodeScript;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.ClientScriptHandler;
import io.lettuce.core.RedisClient;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three Belay nodes with {@code forwarding(true)} on a real redis-server behind a real nginx that
 * balances round robin with no stickiness and no upstream keep-alive, so consecutive requests of
 * one session really land on different nodes (the recipe is examples/nginx/cluster-round-robin.conf).
 * The official socket.io-client, polling only and in its default mode (polling, then an upgrade to
 * WebSocket through whichever node the upgrade lands on), and the bundled client on SSE only and in
 * its default mode (under Node), each send 1,000 acknowledged events and
 * receives 1,000 broadcasts made on one node: nothing lost, duplicated or reordered, and nginx's
 * log shows each polling session's requests spread over all three nodes.
 */
class RoundRobinClusterTest {
  private static final int EVENTS = 1_000;
  private static final int BROADCASTS = 1_000;
  private static RedisServer redis;
  private static final List<RedisClient> clients = new ArrayList<>();
  private static final List<Server> servers = new ArrayList<>();
  private static final List<Undertow> undertows = new ArrayList<>();
  private static final List<Integer> ports = new ArrayList<>();
  private static Nginx nginx;
  /** The bundled client's ES module as the jar serves it, for Node. */
  private static Path bundledClient;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    bundledClient = Files.createTempFile("socket.io.esm", ".mjs");
    bundledClient.toFile().deleteOnExit();
    Files.write(bundledClient, ClientScriptHandler.resource("socket.io.esm.js"));
    for (int i = 0; i < 3; i++) {
      RedisClient client = RedisClient.create(redis.uri());
      Server io = new Server(ServerOptions.builder()
          .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.builder().forwarding(true).build()))
          .build());
      io.on("connection", socket -> socket.on("echo", (args, ack) -> ack.send(args.get(0))));
      Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
          .setHandler(new BelayHandler(io, exchange -> {
            exchange.setStatusCode(404);
            exchange.endExchange();
          })).build();
      undertow.start();
      clients.add(client);
      servers.add(io);
      undertows.add(undertow);
      ports.add(((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort());
    }
    nginx = roundRobin(ports);
  }

  /**
   * nginx running examples/nginx/cluster-round-robin.conf in front of the three nodes on
   * {@code ports}, logging which node served each request to {@code logs/upstreams.log}.
   */
  static Nginx roundRobin(List<Integer> ports) throws Exception {
    int port = Nginx.freePort();
    String recipe = Files.readString(Path.of("nginx/cluster-round-robin.conf"));
    String http = recipe.substring(recipe.indexOf("http {") + 6, recipe.lastIndexOf('}'))
        .replace("server 127.0.0.1:3001;", "server 127.0.0.1:" + ports.get(0) + ";")
        .replace("server 127.0.0.1:3002;", "server 127.0.0.1:" + ports.get(1) + ";")
        .replace("server 127.0.0.1:3003;", "server 127.0.0.1:" + ports.get(2) + ";")
        .replace("listen 8080;", "listen 127.0.0.1:" + port + ";\n    access_log logs/upstreams.log upstreams;")
        .replace("upstream belay_nodes {", "log_format upstreams '$upstream_addr $request_uri';\n  upstream belay_nodes {");
    return Nginx.start(http, port);
  }

  @AfterAll
  static void stop() {
    if (nginx != null) nginx.close();
    servers.forEach(Server::close);
    undertows.forEach(Undertow::stop);
    clients.forEach(RedisClient::shutdown);
    if (redis != null) redis.close();
  }

  @Test
  void pollingOnlyClientLosesNothingAndItsRequestsReachEveryNode() throws Exception {
    JsonObject result = exchange("polling");
    Set<String> nodes = nodesThatServed(result.get("sid").getAsString());
    assertEquals(3, nodes.size(), "the session's requests reached " + nodes);
  }

  @Test
  void defaultClientUpgradesThroughAnyNodeAndLosesNothing() throws Exception {
    JsonObject result = exchange("default");
    assertEquals("websocket", result.get("transport").getAsString());
    assertTrue(nodesThatServed(result.get("sid").getAsString()).size() >= 2, "requests spread over the nodes");
  }

  @Test
  void bundledClientOnSseLosesNothing() throws Exception {
    JsonObject result = exchange("bundled-sse");
    assertEquals("sse", result.get("transport").getAsString());
    // The stream is one request on one node; its POSTs go round the others.
    assertEquals(3, nodesThatServed(result.get("sid").getAsString()).size());
  }

  @Test
  void bundledClientInItsDefaultModeLosesNothing() throws Exception {
    JsonObject result = exchange("bundled-default");
    assertEquals("websocket", result.get("transport").getAsString());
  }

  /** Runs one client through nginx; broadcasts 1..BROADCASTS from node 0 while it sends its events. */
  private static JsonObject exchange(String mode) throws Exception {
    try (NodeScript.Running client = NodeScript.start("roundrobin-client.mjs",
        "http://127.0.0.1:" + nginx.port(), mode, Integer.toString(EVENTS), Integer.toString(BROADCASTS),
        bundledClient.toString())) {
      JsonObject ready = JsonParser.parseString(client.nextLine(Duration.ofSeconds(30))).getAsJsonObject();
      assertTrue(ready.has("ready"), ready.toString());
      Server origin = servers.get(0);
      Thread broadcaster = new Thread(() -> {
        for (int n = 1; n <= BROADCASTS; n++) {
          origin.emit("tick", n);
        }
      }, "broadcaster");
      broadcaster.start();
      JsonObject result = JsonParser.parseString(client.nextLine(Duration.ofSeconds(120))).getAsJsonObject();
      broadcaster.join();
      assertEquals(EVENTS, result.get("acks").getAsInt(), result.toString());
      assertEquals(0, result.get("badAcks").getAsInt(), result.toString());
      assertEquals(BROADCASTS, result.get("ticks").getAsInt(), result.toString());
      assertEquals(0, result.get("dups").getAsInt(), result.toString());
      assertEquals(0, result.get("outOfOrder").getAsInt(), result.toString());
      assertEquals(0, result.get("disconnects").getAsInt(), result.toString());
      result.add("sid", ready.get("sid"));
      return result;
    }
  }

  /** The nodes (host:port) nginx sent the session's requests to, from its log. */
  private static Set<String> nodesThatServed(String sid) {
    Set<String> nodes = new TreeSet<>();
    for (String line : nginx.file("logs/upstreams.log").split("\n")) {
      if (line.contains("sid=" + sid)) nodes.add(line.split(" ")[0]);
    }
    return nodes;
  }
}
