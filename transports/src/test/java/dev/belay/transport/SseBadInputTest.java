package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on the sse transport: each request gets the protocol's error, and only the session it
 * names is affected; a bystander session keeps echoing.
 */
class SseBadInputTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<EngineClient> clients = new ArrayList<>();
  private TestEngine fixture;
  private EngineClient bystander;

  @BeforeEach
  void setUp() {
    fixture = TestEngine.start(EngineOptions.builder().maxPayload(1000));
    bystander = client("sse");
  }

  @AfterEach
  void tearDown() {
    clients.forEach(EngineClient::close);
    fixture.close();
  }

  private EngineClient client(String transport) {
    EngineClient c = EngineClient.open(fixture.base(), transport);
    clients.add(c);
    fixture.socket(c.sid());
    return c;
  }

  private HttpResponse<String> post(String query, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fixture.base() + "?EIO=4&" + query))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "text/plain;charset=UTF-8").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void assertBystanderUnharmed() {
    bystander.send("still here");
    assertEquals("still here", bystander.nextMessage().data());
    assertFalse(fixture.hasClosed(bystander.sid()));
  }

  @Test
  void aPostOverMaxPayloadGets413AndClosesItsSession() throws Exception {
    EngineClient c = client("sse");
    HttpResponse<String> res = post("transport=sse&sid=" + c.sid(), ("4" + "x".repeat(2000)).getBytes());
    assertEquals(413, res.statusCode());
    assertTrue(fixture.awaitClose(c.sid()).startsWith("transport error"));
    assertBystanderUnharmed();
  }

  @Test
  void aPostForAnUnknownSidGets400Code1() throws Exception {
    HttpResponse<String> res = post("transport=sse&sid=nosuchsessionxxxxxxxxx", "4hi".getBytes());
    assertEquals(400, res.statusCode());
    assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", res.body());
    assertBystanderUnharmed();
  }

  @Test
  void anSseGetWithTheSidOfAWebSocketSessionGets400AndLeavesThatSessionAlone() throws Exception {
    EngineClient ws = client("websocket");
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(
        URI.create(fixture.base() + "?EIO=4&transport=sse&sid=" + ws.sid())).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, res.statusCode());
    assertEquals("{\"code\":3,\"message\":\"Bad request\"}", res.body());
    HttpResponse<String> post = post("transport=sse&sid=" + ws.sid(), "4hi".getBytes());
    assertEquals(400, post.statusCode());
    ws.send("ws still works");
    assertEquals("ws still works", ws.nextMessage().data());
    assertFalse(fixture.hasClosed(ws.sid()));
    assertBystanderUnharmed();
  }

  @Test
  void garbageInAPostGets400AndClosesItsSessionWithParseError() throws Exception {
    EngineClient c = client("sse");
    HttpResponse<String> res = post("transport=sse&sid=" + c.sid(), "zzz not a packet".getBytes());
    assertEquals(400, res.statusCode());
    assertTrue(fixture.awaitClose(c.sid()).startsWith("parse error"));

    EngineClient d = client("sse");
    HttpResponse<String> bad = post("transport=sse&sid=" + d.sid(), new byte[] {'4', (byte) 0xC3, (byte) 0x28});
    assertEquals(400, bad.statusCode(), "invalid UTF-8");
    assertTrue(fixture.awaitClose(d.sid()).startsWith("parse error"));
    assertBystanderUnharmed();
  }

  @Test
  void anSsePostForAPollingSessionWithoutAnUpgradeGets400() throws Exception {
    EngineClient polling = client("polling");
    HttpResponse<String> res = post("transport=sse&sid=" + polling.sid(), "4hi".getBytes());
    assertEquals(400, res.statusCode());
    polling.send("polling still works");
    assertEquals("polling still works", polling.nextMessage().data());
    assertNotNull(fixture.engine.socket(polling.sid()));
    assertBystanderUnharmed();
  }

  @Test
  void aSecondConcurrentPostGets400AndClosesItsSession() throws Exception {
    EngineClient c = client("sse");
    try (Socket slow = new Socket("127.0.0.1", fixture.port())) {
      // A POST whose body has not all arrived: it is still pending when the second one comes.
      slow.getOutputStream().write(("POST /engine.io/?EIO=4&transport=sse&sid=" + c.sid() + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n4abc").getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      HttpResponse<String> second = null;
      // The first POST reaches the server on its own connection; retry until the second one is refused.
      for (int i = 0; i < 100 && (second == null || second.statusCode() == 200); i++) {
        second = post("transport=sse&sid=" + c.sid(), "4second".getBytes());
      }
      assertEquals(400, second.statusCode());
      assertTrue(fixture.awaitClose(c.sid()).startsWith("transport error"));
    }
    assertBystanderUnharmed();
  }
}
