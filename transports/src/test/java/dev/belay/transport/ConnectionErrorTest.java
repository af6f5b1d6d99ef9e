package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.engine.ConnectionError;
import dev.belay.engine.EngineError;
import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.testing.TestEngine;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** engine.onConnectionError: every refused request is reported with its code, message and context. */
class ConnectionErrorTest {
  private final TestEngine server = TestEngine.startSilent(b -> b.allowRequest(req -> !"no".equals(req.query("let"))));
  private final BlockingQueue<ConnectionError> refused = new LinkedBlockingQueue<>();

  {
    server.engine.onConnectionError(refused::add);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ConnectionError refusedWith(String query, int status, String body) {
    HttpResponse<String> response = RawHttp.get(server.url(query));
    assertEquals(status, response.statusCode());
    assertEquals(body, response.body());
    return Await.take(refused, "the connection_error for " + query);
  }

  @Test
  void unknownTransport() {
    ConnectionError e = refusedWith("EIO=4&transport=carrier-pigeon", 400, "{\"code\":0,\"message\":\"Transport unknown\"}");
    assertEquals(0, e.code());
    assertEquals("Transport unknown", e.message());
    assertEquals(Map.of("transport", "carrier-pigeon"), e.context());
    assertEquals("carrier-pigeon", e.request().query("transport"));
  }

  @Test
  void unknownSid() {
    ConnectionError e = refusedWith("EIO=4&transport=polling&sid=nope", 400, "{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertEquals(EngineError.UNKNOWN_SID, e.error());
    assertEquals(Map.of("sid", "nope"), e.context());
  }

  @Test
  void unsupportedProtocolVersion() {
    ConnectionError e = refusedWith("EIO=3&transport=polling", 400, "{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    assertEquals(Map.of("protocol", "3"), e.context());
  }

  @Test
  void handshakeRefusedByAllowRequest() {
    ConnectionError e = refusedWith("EIO=4&transport=polling&let=no", 403, "{\"code\":4,\"message\":\"Forbidden\"}");
    assertEquals(4, e.code());
    assertEquals(Map.of("name", "FORBIDDEN"), e.context());
  }

  @Test
  void badHandshakeMethod() {
    HttpResponse<String> response = RawHttp.post(server.url("EIO=4&transport=polling"), "4hello");
    assertEquals(400, response.statusCode());
    ConnectionError e = Await.take(refused, "the connection_error for a POST handshake");
    assertEquals(2, e.code());
    assertEquals(Map.of("method", "POST"), e.context());
  }

  @Test
  void anAcceptedHandshakeIsNotReported() {
    RawHttp.openPolling(server);
    assertEquals(null, refused.poll());
  }
}
