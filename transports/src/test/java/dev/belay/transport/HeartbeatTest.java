package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.testing.RawWebSocket;
import dev.belay.testing.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that stops answering pings is closed with "ping timeout"; its sid is then unknown. */
class HeartbeatTest {
  private final TestEngine server = TestEngine.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void silentPollingClientIsClosedWithPingTimeout() {
    String sid = RawHttp.openPolling(server);
    assertEquals(sid + " PING_TIMEOUT", Await.take(server.closes, "the ping timeout"));
    assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
  }

  @Test
  void silentWebSocketClientIsClosedWithPingTimeout() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    String sid = server.nextConnection().id();
    assertEquals("2", ws.nextText());
    assertEquals(sid + " PING_TIMEOUT", Await.take(server.closes, "the ping timeout"));
    assertEquals("1", ws.nextText());
    assertTrue(Await.get(ws.closed, "the socket to close") > 0);
  }
}
