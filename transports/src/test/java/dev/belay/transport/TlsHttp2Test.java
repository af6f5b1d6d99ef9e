package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.binding.ListenOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import dev.belay.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Belay's own listener over TLS: https and wss on one port, HTTP/2 by ALPN for polling and SSE
 * (each SSE event flushed as it is sent), HTTP/1.1 for clients that do not offer h2 and for the
 * WebSocket upgrade, TLS 1.3 and 1.2 only; and cleartext HTTP/2 (h2c) when asked for.
 */
class TlsHttp2Test {
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TestEngine fixture;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) c.close();
    if (fixture != null) fixture.close();
  }

  private String startTls(Consumer<ListenOptions.Builder> customize) {
    fixture = TestEngine.served(b -> {}, engine -> {
      ListenOptions.Builder options = ListenOptions.builder().host("127.0.0.1").tls(TestTls.server());
      customize.accept(options);
      return engine.listen(options.build());
    });
    return "https://127.0.0.1:" + fixture.port() + "/engine.io/";
  }

  private EngineClient client(HttpClient http, String base, String transport) {
    EngineClient c = EngineClient.open(http, base, transport);
    toClose.add(c);
    return c;
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What HTTP/2 forbids in a response (RFC 9113, 8.2.2); the JDK client would show them if sent. */
  private static void assertNoConnectionHeaders(HttpHeaders headers) {
    for (String name : List.of("connection", "transfer-encoding", "keep-alive", "upgrade")) {
      assertFalse(headers.firstValue(name).isPresent(), name + " on an HTTP/2 response: " + headers.map());
    }
  }

  @Test
  void pollingHandshakeIsAnsweredOverHttp2() throws Exception {
    String base = startTls(o -> {});
    HttpResponse<String> res = get(TestTls.httpClient(Version.HTTP_2), base + "?EIO=4&transport=polling");
    assertEquals(Version.HTTP_2, res.version());
    assertEquals(200, res.statusCode());
    assertTrue(res.body().startsWith("0{\"sid\":"), res.body());
    assertNoConnectionHeaders(res.headers());
  }

  @Test
  void pollingSessionEchoesOverHttp2() {
    String base = startTls(o -> {});
    EngineClient c = client(TestTls.httpClient(Version.HTTP_2), base, "polling");
    c.send("over h2");
    assertEquals("over h2", c.nextMessage().text());
    assertEquals("polling", fixture.socket(c.sid()).transport());
  }

  @Test
  void sseStreamsOverHttp2AndEachEventArrivesAsItIsSent() throws Exception {
    String base = startTls(o -> {});
    HttpClient h2 = TestTls.httpClient(Version.HTTP_2);
    HttpResponse<Stream<String>> res = h2.send(
        HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=sse")).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> body = res.body()) {
      assertEquals(Version.HTTP_2, res.version());
      assertEquals("text/event-stream", res.headers().firstValue("content-type").orElse(""));
      assertNoConnectionHeaders(res.headers());
      Iterator<String> lines = body.iterator();
      assertTrue(lines.next().startsWith(":"), "the padding comment first");
      assertTrue(nextData(lines).startsWith("data: 0{"));
      EngineSocket socket = fixture.nextConnection();
      assertEquals("sse", socket.transport());
      // Each send must reach the client while the stream stays open: nothing is held back
      // waiting for more bytes or for the response to end.
      for (String text : List.of("first", "second", "third")) {
        socket.send(text);
        assertEquals("data: 4" + text, nextData(lines));
      }
    }
  }

  /** The next {@code data:} line that is not a ping; bounded, so a buffered event fails the test. */
  private static String nextData(Iterator<String> lines) {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      while (true) {
        String l = lines.next();
        if (l.startsWith("data:") && !l.equals("data: 2")) return l;
      }
    });
    return Await.get(line, "the next SSE event");
  }

  @Test
  void aStreamTheClientResetsEndsItsSessionAndNotItsNeighbours() throws Exception {
    String base = startTls(o -> {});
    HttpClient h2 = TestTls.httpClient(Version.HTTP_2); // one connection: both streams share it
    EngineClient neighbour = client(h2, base, "sse");
    HttpResponse<Stream<String>> res = h2.send(
        HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=sse")).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(Version.HTTP_2, res.version());
    Iterator<String> lines = res.body().iterator();
    String open = nextData(lines);
    String sid = com.google.gson.JsonParser.parseString(open.substring("data: 0".length()))
        .getAsJsonObject().get("sid").getAsString();
    res.body().close(); // the JDK client resets the stream (RST_STREAM); the connection stays
    String closed = fixture.awaitClose(sid);
    assertTrue(closed.startsWith("transport"), "the reset stream's session closes: " + closed);
    neighbour.send("still here");
    assertEquals("still here", neighbour.nextMessage().text());
  }

  @Test
  void postBodiesOverHttp2LargeAndTooLarge() throws Exception {
    String base = startTls(o -> {});
    HttpClient h2 = TestTls.httpClient(Version.HTTP_2);
    String open = get(h2, base + "?EIO=4&transport=polling").body();
    String sid = com.google.gson.JsonParser.parseString(open.substring(1)).getAsJsonObject().get("sid").getAsString();
    String url = base + "?EIO=4&transport=polling&sid=" + sid;

    String large = "x".repeat(200_000); // decoded on a worker (64 KB or more)
    HttpResponse<String> ok = h2.send(HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofString("4" + large)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(Version.HTTP_2, ok.version());
    assertEquals("ok", ok.body());
    assertEquals(large, fixture.nextReceived(sid));

    HttpResponse<String> tooLarge = h2.send(HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofString("4" + "y".repeat(1_500_000))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, tooLarge.statusCode());
    // The stream ended, not the connection: the client goes on over HTTP/2.
    HttpResponse<String> after = get(h2, base + "?EIO=4&transport=polling");
    assertEquals(Version.HTTP_2, after.version());
    assertEquals(200, after.statusCode());
  }

  @Test
  void sseSessionEchoesOverHttp2() {
    String base = startTls(o -> {});
    EngineClient c = client(TestTls.httpClient(Version.HTTP_2), base, "sse");
    c.send("hello over an h2 stream");
    assertEquals("hello over an h2 stream", c.nextMessage().text());
  }

  @Test
  void webSocketUpgradesOnTheSamePort() {
    String base = startTls(o -> {});
    EngineClient ws = client(TestTls.httpClient(Version.HTTP_2), base, "websocket");
    ws.send("over wss");
    assertEquals("over wss", ws.nextMessage().text());

    // Polling over h2, then the upgrade to a WebSocket over HTTP/1.1 on the same port.
    EngineClient upgraded = client(TestTls.httpClient(Version.HTTP_2), base, "polling");
    upgraded.upgrade("websocket");
    fixture.awaitUpgrade(upgraded.sid(), "websocket");
    upgraded.send("after the upgrade");
    assertEquals("after the upgrade", upgraded.nextMessage().text());
  }

  @Test
  void clientsThatDoNotOfferHttp2GetHttp11() throws Exception {
    String base = startTls(o -> {});
    HttpResponse<String> res = get(TestTls.httpClient(Version.HTTP_1_1), base + "?EIO=4&transport=polling");
    assertEquals(Version.HTTP_1_1, res.version());
    assertEquals(200, res.statusCode());
  }

  @Test
  void http2CanBeTurnedOff() throws Exception {
    String base = startTls(o -> o.http2(false));
    HttpResponse<String> res = get(TestTls.httpClient(Version.HTTP_2), base + "?EIO=4&transport=polling");
    assertEquals(Version.HTTP_1_1, res.version());
    assertEquals(200, res.statusCode());
  }

  @Test
  void speaksTls13AndTls12() throws Exception {
    startTls(o -> {});
    assertEquals("TLSv1.3", handshake(null));
    assertEquals("TLSv1.2", handshake(new String[] {"TLSv1.2"}));
  }

  private String handshake(String[] protocols) throws Exception {
    try (SSLSocket socket = (SSLSocket) TestTls.clientContext().getSocketFactory()
        .createSocket("127.0.0.1", fixture.port())) {
      if (protocols != null) socket.setEnabledProtocols(protocols);
      socket.startHandshake();
      return socket.getSession().getProtocol();
    }
  }

  @Test
  void h2cServesCleartextHttp2WhenAskedFor() throws Exception {
    fixture = TestEngine.served(b -> {},
        engine -> engine.listen(ListenOptions.builder().host("127.0.0.1").h2c(true).build()));
    HttpClient h2 = HttpClient.newBuilder().version(Version.HTTP_2).build();
    // The JDK client upgrades its first request (Upgrade: h2c); the ones after it go over h2.
    String url = fixture.base() + "?EIO=4&transport=polling";
    assertEquals(200, get(h2, url).statusCode());
    HttpResponse<String> second = get(h2, url);
    assertEquals(Version.HTTP_2, second.version());
    assertTrue(second.body().startsWith("0{"), second.body());
    // And plain HTTP/1.1 on the same listener.
    assertEquals(Version.HTTP_1_1,
        get(HttpClient.newBuilder().version(Version.HTTP_1_1).build(), url).version());
  }

  @Test
  void cleartextListenersSpeakHttp11Only() throws Exception {
    fixture = TestEngine.start();
    HttpResponse<String> res = get(HttpClient.newBuilder().version(Version.HTTP_2).build(),
        fixture.base() + "?EIO=4&transport=polling");
    assertEquals(Version.HTTP_1_1, res.version());
  }
}
