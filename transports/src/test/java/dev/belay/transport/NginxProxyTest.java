package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import dev.belay.testing.Nginx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Belay through a real nginx running the committed {@code examples/nginx/belay.conf} (ports and
 * path rewritten): without WebSocket pass-through, with nginx's default proxy buffering, and with
 * a short proxy_read_timeout.
 */
class NginxProxyTest {
  private static final Path CONF = Path.of("../examples/nginx/belay.conf");
  private TestEngine fixture;
  private Nginx nginx;
  private final List<EngineClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(EngineClient::close);
    if (nginx != null) nginx.close();
    if (fixture != null) fixture.close();
  }

  /** The committed config for this fixture: its ports and path, optionally without the websocket lines. */
  private String config(int listen, boolean websocket, String readTimeout) throws IOException {
    String conf = Files.readString(CONF);
    assertTrue(conf.contains("server 127.0.0.1:3000;") && conf.contains("listen 8080;")
        && conf.contains("location /socket.io/") && conf.contains("proxy_read_timeout 60s;"), "the example's shape changed");
    conf = conf.replace("server 127.0.0.1:3000;", "server 127.0.0.1:" + fixture.port() + ";")
        .replace("listen 8080;", "listen 127.0.0.1:" + listen + ";")
        .replace("location /socket.io/", "location /engine.io/")
        .replace("proxy_read_timeout 60s;", "proxy_read_timeout " + readTimeout + ";");
    if (!websocket) {
      List<String> kept = conf.lines().filter(l -> !l.trim().endsWith("# websocket")).toList();
      conf = String.join("\n", kept);
    }
    return conf;
  }

  private String startNginx(boolean websocket, String readTimeout) throws IOException {
    int port = Nginx.freePort();
    nginx = Nginx.start(config(port, websocket, readTimeout), port);
    return "http://127.0.0.1:" + port + "/engine.io/";
  }

  private EngineClient client(String base, String transport) {
    EngineClient c = EngineClient.open(base, transport);
    clients.add(c);
    return c;
  }

  @Test
  void withoutWebSocketPassThroughClientsStillExchangeOverSseOrPolling() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    String base = startNginx(false, "60s");

    EngineClient polling = client(base, "polling");
    assertThrows(AssertionError.class, () -> polling.upgrade("websocket"), "nginx does not pass the upgrade");
    polling.upgrade("sse");
    fixture.awaitUpgrade(polling.sid(), "sse");
    polling.send("over sse through nginx");
    EngineClient.Received r = polling.nextMessage();
    assertEquals("over sse through nginx", r.data());
    assertEquals("sse", r.via());

    EngineClient sse = client(base, "sse");
    sse.send("a\r\nb\u2028c");
    assertEquals("a\r\nb\u2028c", sse.nextMessage().data());

    EngineClient stayOnPolling = client(base, "polling");
    stayOnPolling.send("over polling through nginx");
    assertEquals("over polling through nginx", stayOnPolling.nextMessage().data());

    // A fresh WebSocket session cannot open either: nginx drops the Upgrade header.
    var handshake = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
        URI.create(base.replace("http:", "ws:") + "?EIO=4&transport=websocket"), new WebSocket.Listener() {});
    ExecutionException failed = assertThrows(ExecutionException.class, () -> handshake.get(10, TimeUnit.SECONDS));
    assertTrue(failed.getCause() instanceof WebSocketHandshakeException, failed.toString());
  }

  @Test
  void theCommittedConfigPassesWebSocket() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    String base = startNginx(true, "60s");
    EngineClient c = client(base, "polling");
    c.upgrade("websocket");
    c.send("over websocket through nginx");
    EngineClient.Received r = c.nextMessage();
    assertEquals("over websocket through nginx", r.data());
    assertEquals("websocket", r.via());
  }

  @Test
  void withDefaultProxyBufferingAnSseEventArrivesAtOnce() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    String base = startNginx(false, "60s");
    assertTrue(Files.readString(CONF).lines().noneMatch(l -> l.trim().startsWith("proxy_buffering")),
        "nginx's default (proxy_buffering on) is in force");
    EngineClient c = client(base, "sse");
    EngineSocket s = fixture.socket(c.sid());
    for (int i = 0; i < 5; i++) { // warm up
      s.send("warm" + i);
      c.nextMessage();
    }
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long t0 = System.nanoTime();
      s.send("m" + i);
      assertEquals("m" + i, c.nextMessage().data());
      micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
    }
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    long median = sorted.get(sorted.size() / 2);
    long worst = sorted.get(sorted.size() - 1);
    System.out.println("nginx (proxy_buffering on) emit-to-receive over sse: median " + median + " us, worst " + worst
        + " us, all " + micros);
    assertTrue(worst < 100_000, "every event within 100 ms of the emit; worst was " + worst + " us");
  }

  @Test
  void aStreamOutlivesAShortProxyReadTimeoutThanksToHeartbeats() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(1)).pingTimeout(Duration.ofSeconds(5)));
    String base = startNginx(false, "2s");
    EngineClient c = client(base, "sse");
    long t0 = System.nanoTime();
    c.awaitPings(10);
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(elapsed >= 9_000, "ten heartbeats take about ten seconds, took " + elapsed + " ms");
    assertFalse(c.closed().isDone(), "the stream stayed up: " + c.closed().getNow(null));
    assertFalse(fixture.hasClosed(c.sid()));
    c.send("still streaming after " + elapsed + " ms");
    assertTrue(c.nextMessage().text().startsWith("still streaming"));
  }
}
