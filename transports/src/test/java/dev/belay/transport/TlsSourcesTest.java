package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.binding.ListenOptions;
import dev.belay.binding.Listening;
import dev.belay.binding.Tls;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.testing.TestTls;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a certificate comes from (PEM in each key form, PKCS#12, an application's SSLContext), what
 * bad TLS files say, {@code BelayHandler} on an application's own HTTPS listener, and curl's view.
 */
class TlsSourcesTest {

  static Stream<Arguments> sources() {
    return Stream.of(
        Arguments.of("EC key, PKCS#8", (Supplier<Tls>) () -> Tls.pem(TestTls.file("ec.cert.pem"), TestTls.file("ec-pkcs8.key.pem"))),
        Arguments.of("EC key, SEC1", (Supplier<Tls>) () -> Tls.pem(TestTls.file("ec.cert.pem"), TestTls.file("ec-sec1.key.pem"))),
        Arguments.of("RSA key, PKCS#1", (Supplier<Tls>) () -> Tls.pem(TestTls.file("rsa.cert.pem"), TestTls.file("rsa-pkcs1.key.pem"))),
        Arguments.of("RSA key, PKCS#8", (Supplier<Tls>) () -> Tls.pem(TestTls.file("rsa.cert.pem"), TestTls.file("rsa-pkcs8.key.pem"))),
        Arguments.of("PKCS#12", (Supplier<Tls>) () -> Tls.pkcs12(TestTls.file("ec.p12"), "changeit".toCharArray())),
        Arguments.of("SSLContext", (Supplier<Tls>) () -> Tls.of(TestTls.server().sslContext())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void eachSourceServesHttps(String name, Supplier<Tls> tls) throws Exception {
    EngineServer engine = new EngineServer(EngineOptions.builder().build());
    try (Listening https = engine.listen(ListenOptions.builder().host("127.0.0.1").tls(tls.get()).build())) {
      HttpResponse<String> res = TestTls.httpClient(Version.HTTP_2).send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + https.port() + "/socket.io/?EIO=4&transport=polling")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode());
      assertEquals(Version.HTTP_2, res.version());
    }
  }

  @Test
  void badFilesFailWhenReadWithAMessageThatSaysWhy(@TempDir Path dir) throws IOException {
    Path cert = TestTls.file("ec.cert.pem");
    Path encrypted = Files.writeString(dir.resolve("enc.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    Path garbage = Files.write(dir.resolve("garbage.pem"), new byte[] {0, 1, 2, (byte) 0xff, '-', '-'});
    Path badBase64 = Files.writeString(dir.resolve("b64.pem"),
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n");
    Path badDer = Files.writeString(dir.resolve("der.pem"),
        "-----BEGIN EC PRIVATE KEY-----\nMAM=\n-----END EC PRIVATE KEY-----\n");

    assertMessage("encrypted key", () -> Tls.pem(cert, encrypted));
    assertMessage("no PRIVATE KEY", () -> Tls.pem(cert, garbage));
    assertMessage("no BEGIN CERTIFICATE", () -> Tls.pem(garbage, TestTls.file("ec-pkcs8.key.pem")));
    assertMessage("not valid base64", () -> Tls.pem(cert, badBase64));
    assertMessage("EC PRIVATE KEY", () -> Tls.pem(cert, badDer));
    assertMessage("cannot read", () -> Tls.pem(dir.resolve("missing.pem"), TestTls.file("ec-pkcs8.key.pem")));
    assertMessage("is not the key of the first certificate",
        () -> Tls.pem(cert, TestTls.file("rsa-pkcs8.key.pem")));
    assertMessage("cannot read the PKCS#12 keystore",
        () -> Tls.pkcs12(TestTls.file("ec.p12"), "wrong".toCharArray()));
    assertMessage("h2c is for cleartext",
        () -> ListenOptions.builder().tls(TestTls.server()).h2c(true).build());
  }

  private static void assertMessage(String part, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
  }

  @Test
  void belayHandlerServesUnchangedOnAnApplicationsHttpsListener() throws Exception {
    EngineServer engine = new EngineServer(EngineOptions.builder().build());
    // The application's own Undertow: its HTTPS listener and HTTP/2 option, Belay's handler mounted.
    Undertow undertow = Undertow.builder()
        .addHttpsListener(0, "127.0.0.1", TestTls.server().sslContext())
        .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
        .setHandler(new BelayHandler(engine, exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
          exchange.getResponseSender().send("app");
        })).build();
    undertow.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      String base = "https://127.0.0.1:" + port;
      var h2 = TestTls.httpClient(Version.HTTP_2);
      HttpResponse<String> app = h2.send(HttpRequest.newBuilder(URI.create(base + "/index.html")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("app", app.body());
      try (var c = dev.belay.testing.EngineClient.open(h2, base + "/socket.io/", "polling")) {
        c.send("mounted");
        c.upgrade("websocket");
        c.send("mounted, upgraded");
        assertEquals("websocket", c.transport());
      }
      HttpResponse<String> poll = h2.send(HttpRequest.newBuilder(
          URI.create(base + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(Version.HTTP_2, poll.version());
      assertTrue(poll.body().startsWith("0{"), poll.body());
    } finally {
      engine.close();
      undertow.stop();
    }
  }

  @Test
  void curlGetsHttp2ForAPollingHandshake() throws Exception {
    // scripts/test.sh installs curl; a missing one fails here rather than passing by skipping.
    assertTrue(curlInstalled(), "curl is not installed: run sudo apt-get install -y curl (scripts/test.sh does it as root)");
    EngineServer engine = new EngineServer(EngineOptions.builder().build());
    try (Listening https = engine.listen(ListenOptions.builder().host("127.0.0.1").tls(TestTls.server()).build())) {
      Process curl = new ProcessBuilder("curl", "-sS", "-k", "--http2", "--max-time", "10",
          "-w", "\n%{http_version} %{http_code}",
          "https://127.0.0.1:" + https.port() + "/socket.io/?EIO=4&transport=polling")
          .redirectErrorStream(true).start();
      assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl did not finish");
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(out.startsWith("0{\"sid\":"), out);
      assertTrue(out.endsWith("\n2 200"), "HTTP/2 and 200 expected: " + out);
    }
  }

  private static boolean curlInstalled() {
    try {
      Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
