package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.parser.EnginePacket;
import dev.belay.testing.Await;
import dev.belay.testing.EngineClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code chat --metrics}: Socket.IO clients on WebSocket, SSE, long-polling and polling upgraded to
 * WebSocket chat while the test scrapes {@code /metrics} as Prometheus would; the figures a user
 * watches move as the clients do (sessions per transport, handshakes, upgrades, messages and
 * bytes in and out, broadcasts, refusals, close and disconnect reasons), and {@code /health}
 * answers 200 with the session count.
 */
class ChatMetricsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<EngineClient> clients = new ArrayList<>();
  private ExampleHttp chat;
  private String base;

  @BeforeEach
  void start() {
    chat = Main.chat(new String[0], "127.0.0.1", 0, null, null, true);
    base = "http://127.0.0.1:" + chat.port() + "/";
  }

  @AfterEach
  void stop() {
    clients.forEach(EngineClient::close);
    if (chat != null) chat.close();
  }

  /** A Socket.IO client on {@code transport}, connected to the main namespace and in room "general". */
  private EngineClient join(String transport) {
    EngineClient c = EngineClient.open(base + "socket.io/", transport);
    clients.add(c);
    c.send("0"); // Socket.IO CONNECT, inside an Engine.IO message
    awaitMessage(c, "0{");
    c.send("20[\"join\",\"general\"]");
    awaitMessage(c, "30[");
    return c;
  }

  private static void awaitMessage(EngineClient c, String prefix) {
    for (int i = 0; i < 50; i++) {
      Object data = c.nextMessage().data();
      if (data instanceof String s && s.startsWith(prefix)) return;
    }
    throw new AssertionError("no message starting with " + prefix);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One scrape: every sample, keyed by its series as written ({@code name{label="value",...}}). */
  private Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response = get("metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** The sum of the samples of {@code name} whose labels include every {@code key="value"} given. */
  private static double value(Map<String, Double> samples, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String series = e.getKey();
      if (!series.equals(name) && !series.startsWith(name + "{")) continue;
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) all &= series.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      if (all) {
        sum += e.getValue();
        found = true;
      }
    }
    if (!found) throw new AssertionError("no sample " + name + " " + List.of(labels) + " in " + samples.keySet());
    return sum;
  }

  private void awaitValue(String name, double expected, String... labels) {
    Await.until(() -> {
      try {
        return value(scrape(), name, labels) == expected;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, name + List.of(labels) + " == " + expected);
  }

  @Test
  void theFiguresMoveAsClientsConnectOnEachTransportChatUpgradeAndLeave() throws Exception {
    Map<String, Double> idle = scrape();
    assertEquals(0, value(idle, "belay_sessions"));
    assertEquals(0, value(idle, "belay_handshakes_total"));

    EngineClient websocket = join("websocket");
    EngineClient sse = join("sse");
    EngineClient polling = join("polling");
    EngineClient upgraded = join("polling");
    upgraded.upgrade("websocket");
    for (EngineClient c : List.of(websocket, sse, polling, upgraded)) {
      c.send("21[\"message\",\"hello from " + c.transport() + "\"]");
      awaitMessage(c, "31[");
    }

    awaitValue("belay_sessions", 2, "transport", "websocket");
    Map<String, Double> busy = scrape();
    assertEquals(1, value(busy, "belay_sessions", "transport", "sse"));
    assertEquals(1, value(busy, "belay_sessions", "transport", "polling"));
    assertEquals(1, value(busy, "belay_handshakes_total", "transport", "websocket"));
    assertEquals(1, value(busy, "belay_handshakes_total", "transport", "sse"));
    assertEquals(2, value(busy, "belay_handshakes_total", "transport", "polling"));
    assertEquals(1, value(busy, "belay_upgrades_total", "from", "polling", "to", "websocket", "result", "success"));
    assertEquals(4, value(busy, "belay_sockets_connected_total"));
    // connect, join and message from each: at least three messages in on every transport
    for (String t : List.of("websocket", "sse", "polling")) {
      assertTrue(value(busy, "belay_messages_total", "transport", t, "direction", "in") >= 3, t + " in: " + busy);
      assertTrue(value(busy, "belay_messages_total", "transport", t, "direction", "out") >= 3, t + " out: " + busy);
      assertTrue(value(busy, "belay_message_payload_bytes_total", "transport", t, "direction", "in") > 30, t);
      assertTrue(value(busy, "belay_message_payload_bytes_total", "transport", t, "direction", "out") > 30, t);
    }
    // presence and the room's messages go out as broadcasts, each to the clients online
    assertTrue(value(busy, "belay_broadcasts_recipients_count") >= 8, busy.toString());
    assertTrue(value(busy, "belay_broadcasts_recipients_sum") > value(busy, "belay_broadcasts_recipients_count"));
    assertTrue(value(busy, "belay_listeners_seconds_count", "thread", "worker") >= 8);

    HttpResponse<String> health = get("health");
    assertEquals(200, health.statusCode());
    assertEquals("{\"status\":\"UP\",\"sessions\":4,\"draining\":false,\"adapterConnected\":true}", health.body());

    // a bad handshake is refused and counted by its reason
    assertEquals(400, get("socket.io/?EIO=4&transport=carrier-pigeon").statusCode());
    assertEquals(1, scrape().get("belay_requests_refused_total{reason=\"transport_unknown\"}"));

    // three ways to leave: the namespace (Socket.IO DISCONNECT), the session (Engine.IO CLOSE), the connection
    websocket.send("1");
    polling.sendPacket(EnginePacket.CLOSE);
    sse.dropStream();
    awaitValue("belay_sockets_disconnected_total", 1, "reason", "client_namespace_disconnect");
    awaitValue("belay_sessions_closed_total", 1, "transport", "polling", "reason", "client_close");
    awaitValue("belay_sessions_closed_total", 1, "transport", "sse", "reason", "transport_close");
    awaitValue("belay_sessions", 0, "transport", "sse");
    awaitValue("belay_sessions", 0, "transport", "polling");
    awaitValue("belay_sockets_disconnected_total", 2, "reason", "transport_close");
    Map<String, Double> after = scrape();
    assertEquals(2, value(after, "belay_sessions", "transport", "websocket"), "the namespace left, the session stays");
  }

  @Test
  void postDrainTurnsHealthTo503RefusesHandshakesAndClosesTheClients() throws Exception {
    EngineClient websocket = join("websocket");
    HttpResponse<String> drain = http.send(HttpRequest.newBuilder(URI.create(base + "drain?seconds=1"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, drain.statusCode());
    HttpResponse<String> health = get("health");
    assertEquals(503, health.statusCode());
    assertTrue(health.body().contains("\"status\":\"DRAINING\""), health.body());
    HttpResponse<String> handshake = get("socket.io/?EIO=4&transport=polling");
    assertEquals(503, handshake.statusCode());
    assertEquals("{\"code\":4,\"message\":\"Server draining\"}", handshake.body());
    assertEquals("server close", Await.get(websocket.closed(), "the drained client's close"));
    awaitValue("belay_sessions_closed_total", 1, "transport", "websocket", "reason", "server_shutting_down");
    Map<String, Double> samples = scrape();
    assertEquals(1, value(samples, "belay_draining"));
    assertEquals(1, value(samples, "belay_requests_refused_total", "reason", "draining"));
  }
}
