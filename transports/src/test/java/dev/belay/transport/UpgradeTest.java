package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.testing.RawWebSocket;
import dev.belay.testing.TestEngine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Polling to WebSocket with the probe, and what happens to requests around it. */
class UpgradeTest {
  // Slow heartbeats: these tests poll by hand and do not answer pings sent over polling.
  private final TestEngine server =
      TestEngine.start(b -> b.pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(10)));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void probeReleasesThePollThenUpgradeMovesTheSession() {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
    ws.sendText("2probe");
    assertEquals("3probe", ws.nextText());
    assertEquals("6", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
    ws.sendText("5");
    ws.sendText("4hello");
    assertEquals("4hello", ws.nextSkippingPings());
    assertEquals("websocket", socket.transport());
    assertEquals(1L, server.engine.stats().snapshot().upgrades().get("polling->websocket"));
  }

  @Test
  void aPollPendingDuringTheProbeGetsNoop() {
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    CompletableFuture<HttpResponse<String>> poll = RawHttp.getAsync(server.url("EIO=4&transport=polling&sid=" + sid));
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
    ws.sendText("2probe");
    assertEquals("3probe", ws.nextText());
    // Pending at the probe or arriving just after it, the poll is released with noop.
    assertEquals("6", Await.get(poll, "the pending poll").body());
    ws.sendText("5");
    ws.sendText("4after");
    assertEquals("4after", ws.nextSkippingPings());
  }

  @Test
  void httpAndWebSocketWithTheSidAreRefusedAfterTheUpgrade() {
    String sid = RawHttp.openPolling(server);
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
    ws.sendText("2probe");
    ws.nextText();
    ws.sendText("5");
    ws.sendText("4sync");
    assertEquals("4sync", ws.nextSkippingPings()); // the upgrade is done once this echoes
    assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
    RawWebSocket second = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
    assertEquals(1008, Await.get(second.closed, "the second websocket to be closed"));
    assertTrue(second.messages.isEmpty());
    ws.sendText("4hello");
    assertEquals("4hello", ws.nextSkippingPings());
  }

  @Test
  void aPollRacingTheUpgradePacketGets400WhicheverArrivesFirst() {
    for (int i = 0; i < 10; i++) {
      String sid = RawHttp.openPolling(server);
      RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
      ws.sendText("2probe");
      assertEquals("3probe", ws.nextText());
      ws.sendText("5");
      assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
      ws.sendText("4hello");
      assertEquals("4hello", ws.nextSkippingPings());
      ws.close();
    }
  }

  @Test
  void nothingIsLostOrReorderedAcrossTheUpgrade() {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    List<String> received = new ArrayList<>();
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 200; i++) socket.send("s" + i);
    });
    // Drain what polling gets while the server sends, then upgrade mid-stream.
    String body = RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body();
    collect(body, received);
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
    ws.sendText("2probe");
    assertEquals("3probe", ws.nextText());
    collect(RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body(), received);
    ws.sendText("5");
    Await.get(sending, "the sender");
    while (received.size() < 200) {
      Object m = ws.nextSkippingPings();
      if ("6".equals(m)) continue;
      received.add(((String) m).substring(1));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) expected.add("s" + i);
    assertEquals(expected, received);
  }

  private static void collect(String payload, List<String> into) {
    for (String p : payload.split("\u001e")) if (p.startsWith("4")) into.add(p.substring(1));
  }
}
