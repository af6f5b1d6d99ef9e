package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientScriptHandlerTest {
  static Undertow server;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                new ClientScriptHandler(
                    "/socket.io",
                    ex -> {
                      ex.setStatusCode(418);
                      ex.getResponseSender().send("next");
                    }))
            .build();
    server.start();
    int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesClassicScriptThatDefinesGlobalIo() throws Exception {
    HttpResponse<byte[]> r = get("/socket.io/socket.io.js");
    assertEquals(200, r.statusCode());
    assertEquals("application/javascript; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(ClientScriptHandler.CACHE_CONTROL, r.headers().firstValue("Cache-Control").orElseThrow());
    assertTrue(r.headers().firstValue("ETag").orElseThrow().startsWith("\""));
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertTrue(body.contains("root.io = io;"), "classic script assigns the global io");
    assertArrayEquals(ClientScriptHandler.resource("socket.io.js"), r.body());
  }

  @Test
  void servesModuleAndDeclarations() throws Exception {
    HttpResponse<byte[]> esm = get("/socket.io/socket.io.esm.js");
    assertEquals(200, esm.statusCode());
    assertTrue(new String(esm.body(), StandardCharsets.UTF_8).contains("export default io;"));
    HttpResponse<byte[]> dts = get("/socket.io/socket.io.d.ts");
    assertEquals(200, dts.statusCode());
    assertEquals("application/typescript; charset=utf-8", dts.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void ifNoneMatchGivesNotModified() throws Exception {
    String etag = get("/socket.io/socket.io.js").headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> r = get("/socket.io/socket.io.js", "If-None-Match", "\"other\", " + etag);
    assertEquals(304, r.statusCode());
    assertEquals(0, r.body().length);
    assertEquals(etag, r.headers().firstValue("ETag").orElseThrow());
    assertEquals(200, get("/socket.io/socket.io.js", "If-None-Match", "\"stale\"").statusCode());
  }

  @Test
  void gzipWhenAccepted() throws Exception {
    HttpResponse<byte[]> r = get("/socket.io/socket.io.esm.js", "Accept-Encoding", "gzip");
    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElseThrow());
    byte[] plain = new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
    assertArrayEquals(ClientScriptHandler.resource("socket.io.esm.js"), plain);
  }

  @Test
  void everythingElseGoesToNext() throws Exception {
    assertEquals(418, get("/socket.io/?EIO=4&transport=polling").statusCode());
    assertEquals(418, get("/socket.io/other.js").statusCode());
    assertEquals(418, http.send(
        HttpRequest.newBuilder(URI.create(base + "/socket.io/socket.io.js"))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }
}
