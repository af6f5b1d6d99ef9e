package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.RawWebSocket;
import dev.belay.testing.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WebSocket from the first request, with the JDK WebSocket client. */
class WebSocketTransportTest {
  private final TestEngine server = TestEngine.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void handshakeIsTheFirstFrameAndOffersNoUpgrade() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    String open = ws.nextText();
    assertTrue(open.startsWith("0"));
    JsonObject json = JsonParser.parseString(open.substring(1)).getAsJsonObject();
    assertEquals("[]", json.get("upgrades").toString());
    assertEquals(300, json.get("pingInterval").getAsInt());
    ws.close();
  }

  @Test
  void textAndBinaryFramesEchoUnchanged() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    ws.sendText("4hello \uD83D\uDE00");
    assertEquals("4hello \uD83D\uDE00", ws.nextSkippingPings());
    ws.sendBinary(new byte[] {1, 2, 3, 4});
    assertArrayEquals(new byte[] {1, 2, 3, 4}, (byte[]) ws.nextSkippingPings());
    ws.sendText("bAQID"); // a base64 binary packet in a text frame is accepted too
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) ws.nextSkippingPings());
    ws.close();
  }

  @Test
  void serverPingsAndPongsKeepItAlive() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    for (int i = 0; i < 3; i++) {
      assertEquals("2", ws.nextText());
      ws.sendText("3");
    }
    ws.sendText("4still here");
    assertEquals("4still here", ws.nextSkippingPings());
    ws.close();
  }

  @Test
  void clientClosePacketClosesTheSocket() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    String sid = server.nextConnection().id();
    ws.sendText("1");
    Await.get(ws.closed, "the socket to close");
    assertEquals(sid + " CLIENT_CLOSE", Await.take(server.closes, "the session close"));
  }

  @Test
  void serverCloseFlushesThenCloses() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    EngineSocket socket = server.nextConnection();
    socket.send("last");
    socket.close();
    assertEquals("4last", ws.nextSkippingPings());
    assertEquals("1", ws.nextSkippingPings());
    assertEquals(1000, Await.get(ws.closed, "the close frame"));
  }

  @Test
  void droppedConnectionClosesTheSessionWithTransportClose() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    String sid = server.nextConnection().id();
    ws.abort();
    String close = Await.take(server.closes, "the session close");
    assertTrue(close.equals(sid + " TRANSPORT_CLOSE") || close.equals(sid + " TRANSPORT_ERROR"), close);
  }
}
