package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.Cors;
import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.testing.RawWebSocket;
import dev.belay.testing.TestEngine;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The origin check of {@code Cors.allowOrigins}: a request of any transport from another origin,
 * the WebSocket upgrade included (browsers do not apply CORS to it), is refused with 403 and the
 * engine's JSON error before it opens or touches a session; a listed origin and a request without
 * Origin (a non-browser client) get in; {@code withOriginRequired(true)} refuses the latter.
 */
class OriginCheckTest {
  private static final String GOOD = "http://good.example";
  private static final String EVIL = "http://evil.example";
  private static final String FORBIDDEN = "{\"code\":4,\"message\":\"Forbidden\"}";

  @Test
  void pollingAndSseHandshakesFromAnotherOriginAre403AndOpenNoSession() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins(GOOD)))) {
      for (String transport : new String[] {"polling", "sse"}) {
        HttpResponse<String> r = RawHttp.get(server.url("EIO=4&transport=" + transport), "Origin", EVIL);
        assertEquals(403, r.statusCode(), transport);
        assertEquals(FORBIDDEN, r.body(), transport);
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
      }
      assertEquals(0, server.engine.clientsCount());
      assertTrue(server.connections.isEmpty());
    }
  }

  @Test
  void aWebSocketHandshakeFromAnotherOriginIs403() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins(GOOD)))) {
      assertEquals(403, refusedWebSocket(server.wsUrl("EIO=4&transport=websocket"), EVIL));
      assertEquals(0, server.engine.clientsCount());
      assertTrue(server.connections.isEmpty());
    }
  }

  @Test
  void anUpgradeOrAPostFromAnotherOriginIs403AndLeavesTheSessionAlone() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins(GOOD)))) {
      String sid = RawHttp.openPolling(server);
      assertEquals(403, refusedWebSocket(server.wsUrl("EIO=4&transport=websocket&sid=" + sid), EVIL));
      HttpResponse<String> post = RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), "4hi", "Origin", EVIL);
      assertEquals(403, post.statusCode());
      assertEquals(FORBIDDEN, post.body());
      HttpResponse<String> poll = RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid), "Origin", EVIL);
      assertEquals(403, poll.statusCode());
      assertTrue(server.engine.socket(sid) != null && server.engine.socket(sid).isOpen(), "the session is untouched");
    }
  }

  @Test
  void theListedOriginAndRequestsWithoutOriginGetInOnEveryTransport() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins(GOOD)))) {
      for (String origin : new String[] {GOOD, null}) {
        String[] headers = origin == null ? new String[0] : new String[] {"Origin", origin};
        HttpResponse<String> polling = RawHttp.get(server.url("EIO=4&transport=polling"), headers);
        assertEquals(200, polling.statusCode());
        assertTrue(polling.body().startsWith("0{\"sid\":"), polling.body());

        RawWebSocket ws = new RawWebSocket();
        var builder = RawHttp.CLIENT.newWebSocketBuilder();
        if (origin != null) builder.header("Origin", origin);
        WebSocket socket = Await.get(builder.buildAsync(URI.create(server.wsUrl("EIO=4&transport=websocket")), ws),
            "a websocket from " + origin);
        assertTrue(((String) ws.next()).startsWith("0{\"sid\":"));
        socket.abort();
      }
      // An SSE answer never ends: what tells is the session it opens.
      RawHttp.getAsync(server.url("EIO=4&transport=sse"), "Origin", GOOD);
      Await.until(() -> server.connections.size() >= 5, "5 sessions: polling and websocket twice, sse once");
    }
  }

  @Test
  void withOriginRequiredARequestWithoutOriginIs403() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins(GOOD).withOriginRequired(true)))) {
      HttpResponse<String> r = RawHttp.get(server.url("EIO=4&transport=polling"));
      assertEquals(403, r.statusCode());
      assertEquals(FORBIDDEN, r.body());
      assertEquals(200, RawHttp.get(server.url("EIO=4&transport=polling"), "Origin", GOOD).statusCode());
    }
  }

  @Test
  void anyOriginAndDisabledCheckNothing() {
    for (Cors cors : new Cors[] {Cors.anyOrigin(), Cors.disabled()}) {
      try (TestEngine server = TestEngine.start(b -> b.cors(cors))) {
        assertEquals(200, RawHttp.get(server.url("EIO=4&transport=polling"), "Origin", EVIL).statusCode());
      }
    }
  }

  /** Tries a WebSocket handshake with {@code Origin: origin}; returns the HTTP status of the refusal. */
  private static int refusedWebSocket(String url, String origin) {
    try {
      RawHttp.CLIENT.newWebSocketBuilder().header("Origin", origin)
          .buildAsync(URI.create(url), new RawWebSocket()).join();
    } catch (CompletionException e) {
      WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
      return refused.getResponse().statusCode();
    }
    throw new AssertionError("the WebSocket handshake from " + origin + " was accepted");
  }
}
