package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.EngineClient;
import dev.belay.testing.Nginx;
import dev.belay.testing.TestEngine;
import dev.belay.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Belay on plain HTTP behind a real nginx running the committed {@code examples/nginx/belay-tls.conf}
 * (ports, path and certificate paths rewritten): nginx terminates TLS and speaks HTTP/2 to the
 * client; polling, SSE (each event at once) and WebSocket all work with no TLS setting on Belay.
 */
class NginxTlsTest {
  private static final Path CONF = Path.of("../examples/nginx/belay-tls.conf");
  private TestEngine fixture;
  private Nginx nginx;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) c.close();
    if (nginx != null) nginx.close();
    if (fixture != null) fixture.close();
  }

  private String start() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    String conf = Files.readString(CONF);
    assertTrue(conf.contains("server 127.0.0.1:3000;") && conf.contains("listen 443 ssl http2;")
        && conf.contains("location /socket.io/") && conf.contains("/etc/ssl/belay/fullchain.pem")
        && conf.contains("/etc/ssl/belay/privkey.pem"), "the example's shape changed");
    int port = Nginx.freePort();
    conf = conf.replace("server 127.0.0.1:3000;", "server 127.0.0.1:" + fixture.port() + ";")
        .replace("listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;")
        .replace("location /socket.io/", "location /engine.io/")
        .replace("/etc/ssl/belay/fullchain.pem", TestTls.file("ec.cert.pem").toString())
        .replace("/etc/ssl/belay/privkey.pem", TestTls.file("ec-pkcs8.key.pem").toString());
    nginx = Nginx.start(conf, port);
    return "https://127.0.0.1:" + port + "/engine.io/";
  }

  @Test
  void pollingSseAndWebSocketThroughNginxOverTlsAndHttp2() throws Exception {
    String base = start();
    HttpClient h2 = TestTls.httpClient(Version.HTTP_2);

    HttpResponse<String> handshake = h2.send(HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=polling")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(Version.HTTP_2, handshake.version());
    assertTrue(handshake.body().startsWith("0{\"sid\":"), handshake.body());

    // SSE over HTTP/2 from nginx: an event sent by the server arrives while the stream stays open.
    HttpResponse<Stream<String>> sse = h2.send(HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=sse")).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(Version.HTTP_2, sse.version());
    try (Stream<String> body = sse.body()) {
      Iterator<String> lines = body.iterator();
      assertTrue(nextData(lines).startsWith("data: 0{"));
      fixture.nextConnection(); // the polling handshake's session
      EngineSocket session = fixture.nextConnection();
      assertEquals("sse", session.transport());
      session.send("through nginx");
      assertEquals("data: 4through nginx", nextData(lines));
    }

    for (String transport : List.of("polling", "sse", "websocket")) {
      EngineClient c = EngineClient.open(h2, base, transport);
      toClose.add(c);
      c.send("hi over " + transport);
      assertEquals("hi over " + transport, c.nextMessage().text());
    }
  }

  private static String nextData(Iterator<String> lines) {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      while (true) {
        String l = lines.next();
        if (l.startsWith("data:") && !l.equals("data: 2")) return l;
      }
    });
    return Await.get(line, "the next SSE event through nginx");
  }
}
