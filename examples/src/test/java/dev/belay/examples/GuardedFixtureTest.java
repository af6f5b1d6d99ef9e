package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.TextMessages;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /guarded/} fixture of {@code belay-examples.jar conformance}, started as the jar
 * starts it: its handshake carries Belay's defaults (25 s / 20 s, maxPayload 1,000,000, all three
 * transports); {@code http://good.example} and requests without Origin get in on polling, sse and
 * websocket, {@code http://evil.example} gets 403 {@code {"code":4,"message":"Forbidden"}} on all
 * three; {@code message} comes back as {@code message-back} with the same arguments.
 */
class GuardedFixtureTest {
  private static final String GOOD = "http://good.example";
  private static final String EVIL = "http://evil.example";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Undertow server;
  private String base;

  @BeforeEach
  void start() {
    server = Main.conformance("127.0.0.1", 0);
    base = "127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort() + "/guarded/";
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpRequest.Builder get(String transport, String origin) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + base + "?EIO=4&transport=" + transport))
        .timeout(java.time.Duration.ofSeconds(30));
    if (origin != null) b.header("Origin", origin);
    return b;
  }

  /** The open packet over polling. */
  private String pollingOpen(String origin) throws Exception {
    HttpResponse<String> r = http.send(get("polling", origin).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The open packet over sse: the first data line of the stream. */
  private String sseOpen(String origin) throws Exception {
    HttpResponse<Stream<String>> r = http.send(get("sse", origin).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("data: ")) return line.substring(6);
      }
    }
    throw new AssertionError("the stream ended without an event");
  }

  private WebSocket webSocket(String origin, TextMessages listener) throws Exception {
    WebSocket.Builder b = http.newWebSocketBuilder();
    if (origin != null) b.header("Origin", origin);
    return b.buildAsync(URI.create("ws://" + base + "?EIO=4&transport=websocket"), listener).get(30, TimeUnit.SECONDS);
  }

  @Test
  void theHandshakeCarriesBelaysDefaults() throws Exception {
    String open = pollingOpen(GOOD);
    assertTrue(open.startsWith("0{\"sid\":"), open);
    assertTrue(open.contains("\"upgrades\":[\"websocket\",\"sse\"],\"pingInterval\":25000,\"pingTimeout\":20000,"
        + "\"maxPayload\":1000000}"), open);
  }

  @Test
  void theGoodOriginAndNoOriginGetInOnEveryTransport() throws Exception {
    for (String origin : new String[] {GOOD, null}) {
      assertTrue(pollingOpen(origin).startsWith("0{\"sid\":"), "polling from " + origin);
      assertTrue(sseOpen(origin).startsWith("0{\"sid\":"), "sse from " + origin);
      TextMessages ws = new TextMessages();
      WebSocket socket = webSocket(origin, ws);
      assertTrue(ws.next().startsWith("0{\"sid\":"), "websocket from " + origin);
      socket.abort();
    }
  }

  @Test
  void anotherOriginGets403OnEveryTransport() throws Exception {
    for (String transport : new String[] {"polling", "sse"}) {
      HttpResponse<String> r = http.send(get(transport, EVIL).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode(), transport);
      assertEquals("{\"code\":4,\"message\":\"Forbidden\"}", r.body(), transport);
    }
    try {
      webSocket(EVIL, new TextMessages());
      throw new AssertionError("the WebSocket handshake from " + EVIL + " was accepted");
    } catch (ExecutionException e) {
      assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
      assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }
  }

  @Test
  void messageIsEchoedAsMessageBackWithTheSameArguments() throws Exception {
    TextMessages ws = new TextMessages();
    WebSocket socket = webSocket(GOOD, ws);
    assertTrue(ws.next().startsWith("0{"));
    socket.sendText("40", true).get(30, TimeUnit.SECONDS);
    assertTrue(ws.next().startsWith("40{\"sid\":"));
    socket.sendText("42[\"message\",\"hi\",{\"n\":1},[true,null]]", true).get(30, TimeUnit.SECONDS);
    assertEquals("42[\"message-back\",\"hi\",{\"n\":1},[true,null]]", ws.next());
    socket.abort();
  }
}
