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
import dev.belay.testing.NodeScript;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.ClientScriptHandler;
import io.lettuce.core.RedisClient;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
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
import org.junit.jupiter.api.TestInstance;

/**
 * Three Belay nodes with {@code forwarding(true)} on a real redis-server behind a real balancer
 * (one subclass per recipe) that balances round robin with no stickiness and no keep-alive toward
 * the nodes, so consecutive requests of one session really land on different nodes.
 * The official socket.io-client, polling only and in its default mode (polling, then an upgrade to
 * WebSocket through whichever node the upgrade lands on), and the bundled client on SSE only and in
 * its default mode (under Node), each send 1,000 acknowledged events and
 * receives 1,000 broadcasts made on one node: nothing lost, duplicated or reordered, and the
 * balancer's log shows each polling session's requests spread over all three nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoundRobinClusterContract {
  private static final int EVENTS = 1_000;
  private static final int BROADCASTS = 1_000;
  private RedisServer redis;
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<Undertow> undertows = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private Balancer balancer;
  /** The bundled client's ES module as the jar serves it, for Node. */
  private Path bundledClient;

  @BeforeAll
  void start() throws Exception {
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
          .setHandler(new BelayHandler(io, new OpsEndpoints(io, null, ResponseCodeHandler.HANDLE_404))).build();
      undertow.start();
      clients.add(client);
      servers.add(io);
      undertows.add(undertow);
      ports.add(((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort());
    }
    balancer = balancer(ports);
  }

  /**
   * The balancer's recipe running in front of the three nodes on {@code ports}, round robin,
   * logging one line {@code <node host:port> <request uri>} per request it passed on.
   */
  abstract Balancer balancer(List<Integer> ports) throws Exception;

  /** A running balancer: where clients connect, and which node served each request. */
  interface Balancer extends AutoCloseable {
    int port();

    /** The request log so far: one line {@code <node host:port> <request uri>} per request. */
    String requestLog();

    @Override
    void close();
  }

  @AfterAll
  void stop() {
    if (balancer != null) balancer.close();
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

  /** Runs one client through the balancer; broadcasts 1..BROADCASTS from node 0 while it sends its events. */
  private JsonObject exchange(String mode) throws Exception {
    try (NodeScript.Running client = NodeScript.start("roundrobin-client.mjs",
        "http://127.0.0.1:" + balancer.port(), mode, Integer.toString(EVENTS), Integer.toString(BROADCASTS),
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

  /** The nodes (host:port) the balancer sent the session's requests to, from its log. */
  private Set<String> nodesThatServed(String sid) {
    Set<String> nodes = new TreeSet<>();
    for (String line : balancer.requestLog().split("\n")) {
      if (line.contains("sid=" + sid)) nodes.add(line.split(" ")[0]);
    }
    return nodes;
  }
}
