package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import dev.belay.testing.NodeScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side negotiation: the transports option, the handshake's upgrades (allowed transports
 * better than the current one, most preferred first), the per-request policy hook, and official
 * clients with default options against a server that advertises sse.
 */
class NegotiationTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestEngine fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) fixture.close();
  }

  private List<String> upgradesOf(String transport) {
    try (EngineClient c = EngineClient.open(fixture.base(), transport)) {
      return c.handshake().getAsJsonArray("upgrades").asList().stream().map(e -> e.getAsString()).toList();
    }
  }

  private HttpResponse<String> get(String query) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fixture.base() + "?EIO=4&" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void byDefaultEveryBetterTransportIsOfferedMostPreferredFirst() {
    fixture = TestEngine.start(EngineOptions.builder());
    assertEquals(List.of("websocket", "sse"), upgradesOf("polling"));
    assertEquals(List.of("websocket"), upgradesOf("sse"));
    assertEquals(List.of(), upgradesOf("websocket"));
  }

  @Test
  void theTransportsOptionLimitsWhatIsAcceptedAndOffered() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder().transports("sse", "polling"));
    assertEquals(List.of("sse"), upgradesOf("polling"));
    assertEquals(List.of(), upgradesOf("sse"));
    HttpResponse<String> ws = get("transport=websocket");
    assertEquals(400, ws.statusCode());
    assertEquals(0, JsonParser.parseString(ws.body()).getAsJsonObject().get("code").getAsInt());
    fixture.close();

    fixture = TestEngine.start(EngineOptions.builder().transports("websocket", "polling"));
    assertEquals(List.of("websocket"), upgradesOf("polling"));
    HttpResponse<String> sse = get("transport=sse");
    assertEquals(400, sse.statusCode());
    assertEquals("{\"code\":0,\"message\":\"Transport unknown\"}", sse.body());
  }

  @Test
  void thePolicyHookSeesTheRequestAndCanOnlyNarrow() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder().upgradePolicy((request, current, offered) -> {
      if (request.query("behindProxy") != null) return List.of("sse");
      if (request.query("nonsense") != null) return List.of("carrier-pigeon", "websocket", "websocket", "polling");
      return offered;
    }));
    assertEquals(List.of("sse"), openUpgrades(get("transport=polling&behindProxy=1").body()));
    assertEquals(List.of("websocket"), openUpgrades(get("transport=polling&nonsense=1").body()));
    assertEquals(List.of("websocket", "sse"), openUpgrades(get("transport=polling").body()));
  }

  @Test
  void noUpgradesWhenUpgradesAreOff() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder().allowUpgrades(false));
    assertEquals(List.of(), upgradesOf("polling"));
    EngineClient c = EngineClient.open(fixture.base(), "polling");
    try {
      HttpResponse<String> res = get("transport=sse&sid=" + c.sid());
      assertEquals(400, res.statusCode());
    } finally {
      c.close();
    }
  }

  private static List<String> openUpgrades(String pollBody) {
    assertTrue(pollBody.startsWith("0{"), pollBody);
    JsonObject open = JsonParser.parseString(pollBody.substring(1)).getAsJsonObject();
    return open.getAsJsonArray("upgrades").asList().stream().map(e -> e.getAsString()).toList();
  }

  @Test
  void engineIoClientWithDefaultOptionsIgnoresSseAndUpgradesToWebSocket() {
    fixture = TestEngine.start(EngineOptions.builder());
    NodeScript.Result r = NodeScript.run("sse-negotiation-eio.js", Duration.ofSeconds(30), String.valueOf(fixture.port()));
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    assertEquals(List.of(
        "{\"open\":\"polling\",\"upgrades\":[\"websocket\",\"sse\"]}",
        "{\"upgraded\":\"websocket\"}",
        "{\"message\":\"hello after upgrade\",\"transport\":\"websocket\"}",
        "{\"close\":\"forced close\"}"), r.lines());
    assertEquals(1L, fixture.engine.stats().snapshot().upgrades().get("polling->websocket"));
  }

  @Test
  void socketIoClientWithDefaultOptionsConnectsAndUpgradesToWebSocket() {
    fixture = TestEngine.start(EngineOptions.builder());
    fixture.echo = false;
    // The least of the Socket.IO protocol, on the engine: accept the main namespace, answer acks.
    fixture.engine.onConnection(socket -> socket.onMessage(data -> answerSocketIo(socket, (String) data)));
    NodeScript.Result r = NodeScript.run("sse-negotiation-sio.js", Duration.ofSeconds(30), String.valueOf(fixture.port()));
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.lines().contains("{\"open\":\"polling\",\"upgrades\":[\"websocket\",\"sse\"]}"), r.stdout());
    assertTrue(r.lines().contains("{\"upgraded\":\"websocket\"}"), r.stdout());
    assertTrue(r.lines().contains("{\"ack\":\"round trip\",\"transport\":\"websocket\"}"), r.stdout());
  }

  private static void answerSocketIo(EngineSocket socket, String packet) {
    if (packet.startsWith("0")) {
      socket.send("0{\"sid\":\"" + socket.id() + "-io\"}");
    } else if (packet.startsWith("2")) {
      // 2<ackId>["echo",arg] -> 3<ackId>[arg]
      int bracket = packet.indexOf('[');
      String ackId = packet.substring(1, bracket);
      String arg = JsonParser.parseString(packet.substring(bracket)).getAsJsonArray().get(1).toString();
      socket.send("3" + ackId + "[" + arg + "]");
    }
  }
}
