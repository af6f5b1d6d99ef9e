package dev.belay.examples;

import dev.belay.binding.SelfSignedCertificate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TextMessages;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code belay-examples.jar conformance --tls}, started as the jar starts it: every fixture path
 * answers its handshake over HTTP/2 on TLS with the certificate made at start, SSE streams over
 * HTTP/2 carry events both ways, and WebSockets upgrade over HTTP/1.1 on the same port.
 */
class ConformanceTlsTest {
  private Undertow server;
  private String origin;
  private HttpClient h2;

  @BeforeEach
  void start() throws Exception {
    server = Main.conformance("127.0.0.1", 0, true);
    origin = "127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    h2 = HttpClient.newBuilder().version(Version.HTTP_2).sslContext(trustingAnything()).build();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** The certificate is made at start and unknown to the test: it is checked for nothing but the TLS itself. */
  private static SSLContext trustingAnything() throws Exception {
    X509TrustManager anything = new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {anything}, null);
    return context;
  }

  @Test
  void everyPathAnswersItsHandshakeOverHttp2() throws Exception {
    for (String path : List.of("/engine.io/", "/socket.io/", "/guarded/", "/recovery/")) {
      HttpResponse<String> r = h2.send(HttpRequest.newBuilder(
          URI.create("https://" + origin + path + "?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      assertEquals(Version.HTTP_2, r.version(), path);
      assertTrue(r.body().startsWith("0{\"sid\":"), path + ": " + r.body());
    }
    HttpResponse<String> other = h2.send(HttpRequest.newBuilder(URI.create("https://" + origin + "/elsewhere")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, other.statusCode());
  }

  @Test
  void sseStreamsOverHttp2() throws Exception {
    HttpResponse<Stream<String>> r = h2.send(HttpRequest.newBuilder(
        URI.create("https://" + origin + "/guarded/?EIO=4&transport=sse")).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(Version.HTTP_2, r.version());
    assertEquals("text/event-stream", r.headers().firstValue("content-type").orElse(""));
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      String line = it.next();
      while (!line.startsWith("data: ")) line = it.next();
      assertTrue(line.startsWith("data: 0{"), line);
    }
    // A Socket.IO session over SSE on HTTP/2 (Engine.IO messages carrying Socket.IO packets):
    // connect, then an event and its echo.
    try (EngineClient c = EngineClient.open(h2, "https://" + origin + "/guarded/", "sse")) {
      c.send("0");
      assertTrue(c.nextMessage().text().startsWith("0{\"sid\":"));
      c.send("2[\"message\",\"over h2\"]");
      assertEquals("2[\"message-back\",\"over h2\"]", c.nextMessage().text());
    }
  }

  @Test
  void chatOverTlsServesItsPagesOverHttp2WithThePrintedFingerprint() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate("127.0.0.1");
    Server io = new Server();
    new ChatServer(io);
    try (ExampleHttp chat = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0, cert.tls())) {
      assertTrue(chat.url().startsWith("https://127.0.0.1:"), chat.url());
      HttpResponse<String> page = h2.send(HttpRequest.newBuilder(URI.create(chat.url())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertEquals(Version.HTTP_2, page.version());
      try (SSLSocket socket = (SSLSocket) trustingAnything().getSocketFactory().createSocket("127.0.0.1", chat.port())) {
        socket.startHandshake();
        byte[] served = socket.getSession().getPeerCertificates()[0].getEncoded();
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(served));
        assertEquals(cert.fingerprint(), fingerprint, "the fingerprint printed is the served certificate's");
      }
      assertTrue(Files.readString(cert.certificateFile()).startsWith("-----BEGIN CERTIFICATE-----"));
    }
  }

  @Test
  void webSocketsUpgradeOnTheSamePort() throws Exception {
    for (String path : List.of("/engine.io/", "/socket.io/", "/guarded/")) {
      TextMessages messages = new TextMessages();
      WebSocket ws = h2.newWebSocketBuilder()
          .buildAsync(URI.create("wss://" + origin + path + "?EIO=4&transport=websocket"), messages)
          .get(30, TimeUnit.SECONDS);
      try {
        assertTrue(messages.next().startsWith("0{\"sid\":"), path);
      } finally {
        ws.abort();
      }
    }
  }
}
