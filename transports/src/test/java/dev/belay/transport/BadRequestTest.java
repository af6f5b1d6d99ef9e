package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.testing.RawWebSocket;
import dev.belay.testing.TestEngine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every malformed request gets the protocol's answer (status, JSON body with code and message,
 * CORS headers) and affects only its own session: a bystander session keeps working throughout.
 */
class BadRequestTest {
  private TestEngine server;
  private String bystander;

  @BeforeEach
  void start() {
    server = TestEngine.start(b -> b.maxPayload(1000).cors(dev.belay.engine.Cors.anyOrigin())
        .pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(10))
        .allowRequest(req -> !"evil".equals(req.header("X-Client"))));
    bystander = RawHttp.openPolling(server);
    server.nextConnection();
  }

  @AfterEach
  void bystanderStillWorks() {
    RawHttp.post(server.url("EIO=4&transport=polling&sid=" + bystander), "4still alive");
    assertEquals("4still alive", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + bystander)).body());
    server.close();
  }

  private static void assertError(HttpResponse<String> r, int status, int code) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
    assertEquals(code, json.get("code").getAsInt());
    assertTrue(json.get("message").getAsString().length() > 3);
    assertEquals("http://app.test", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
        "CORS headers on errors too");
  }

  private HttpResponse<String> get(String query) {
    return RawHttp.get(server.url(query), "Origin", "http://app.test");
  }

  @Test
  void missingOrInvalidProtocolVersion() {
    assertError(get("transport=polling"), 400, 5);
    assertError(get("EIO=abc&transport=polling"), 400, 5);
    assertError(get("EIO=3&transport=polling"), 400, 5);
  }

  @Test
  void missingOrUnknownTransport() {
    assertError(get("EIO=4"), 400, 0);
    assertError(get("EIO=4&transport=abc"), 400, 0);
  }

  @Test
  void unknownSid() {
    assertError(get("EIO=4&transport=polling&sid=nope"), 400, 1);
    assertError(RawHttp.post(server.url("EIO=4&transport=polling&sid=nope"), "4x", "Origin", "http://app.test"), 400, 1);
  }

  @Test
  void handshakeWithTheWrongMethod() {
    assertError(RawHttp.post(server.url("EIO=4&transport=polling"), "", "Origin", "http://app.test"), 400, 2);
    assertError(RawHttp.method("PUT", server.url("EIO=4&transport=polling"), "Origin", "http://app.test"), 400, 2);
  }

  @Test
  void websocketTransportWithoutAnUpgrade() {
    assertError(get("EIO=4&transport=websocket"), 400, 3);
  }

  @Test
  void refusedByAllowRequest() {
    assertError(RawHttp.get(server.url("EIO=4&transport=polling"), "Origin", "http://app.test", "X-Client", "evil"), 403, 4);
  }

  @Test
  void invalidPacketClosesTheSession() {
    String sid = RawHttp.openPolling(server);
    assertError(RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), "abc", "Origin", "http://app.test"), 400, 3);
    assertEquals(sid + " PARSE_ERROR", Await.take(server.closes, "the close"));
    assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 1);
  }

  @Test
  void invalidUtf8ClosesTheSession() {
    String sid = RawHttp.openPolling(server);
    HttpResponse<String> r = RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid),
        new byte[] {'4', (byte) 0xc3, (byte) 0x28}, "Origin", "http://app.test");
    assertError(r, 400, 3);
    assertEquals(sid + " PARSE_ERROR", Await.take(server.closes, "the close"));
  }

  @Test
  void bodyOverMaxPayloadIs413AndClosesTheSession() {
    String sid = RawHttp.openPolling(server);
    char[] big = new char[1001];
    Arrays.fill(big, 'x');
    big[0] = '4';
    assertError(RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), new String(big), "Origin", "http://app.test"), 413, 3);
    assertEquals(sid + " TRANSPORT_ERROR", Await.take(server.closes, "the close"));
    assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 1);
  }

  @Test
  void anEmptySidOpensASessionAsTheReferenceServerDoes() {
    HttpResponse<String> r = get("EIO=4&transport=polling&sid=");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().startsWith("0{"), r.body());
    server.nextConnection();
  }

  @Test
  void aSecondConcurrentPollIs400AndTheFirstGetsClose() {
    String sid = RawHttp.openPolling(server);
    CompletableFuture<HttpResponse<String>> first =
        RawHttp.getAsync(server.url("EIO=4&transport=polling&sid=" + sid), "Origin", "http://app.test");
    HttpResponse<String> second = RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid), "Origin", "http://app.test");
    if (second.statusCode() == 200) { // the second raced ahead of the first; the first is now the overlap
      assertError(Await.get(first, "the first poll"), 400, 3);
    } else {
      assertError(second, 400, 3);
      assertEquals("1", Await.get(first, "the first poll").body());
    }
    assertEquals(sid + " TRANSPORT_ERROR", Await.take(server.closes, "the close"));
    assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 1);
  }

  @Test
  void aWebSocketFrameOverMaxPayloadClosesTheSocket() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    String sid = server.nextConnection().id();
    ws.sendText("4" + "y".repeat(2000));
    Await.get(ws.closed, "the socket to close");
    assertEquals(sid + " TRANSPORT_ERROR", Await.take(server.closes, "the session close"));
  }

  @Test
  void aWebSocketTextFrameThatIsNotAPacketClosesTheSession() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    ws.nextText();
    String sid = server.nextConnection().id();
    ws.sendText("abc");
    Await.get(ws.closed, "the socket to close");
    assertEquals(sid + " PARSE_ERROR", Await.take(server.closes, "the session close"));
  }

  @Test
  void aWebSocketWithTheSidOfAWebSocketSessionIsClosedAtOnce() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    String open = ws.nextText();
    String sid = JsonParser.parseString(open.substring(1)).getAsJsonObject().get("sid").getAsString();
    RawWebSocket second = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket&sid=" + sid));
    assertEquals(1008, Await.get(second.closed, "the second websocket to be closed"));
    assertTrue(second.messages.isEmpty(), "nothing of the session leaks to the second socket");
    assertError(get("EIO=4&transport=polling&sid=" + sid), 400, 3);
    ws.sendText("4ok");
    assertEquals("4ok", ws.nextSkippingPings());
  }
}
