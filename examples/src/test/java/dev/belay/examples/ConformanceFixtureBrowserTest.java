package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.binding.Listening;
import dev.belay.testing.BlackholeProxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance check, in headless Chromium with the script the server serves, against
 * the conformance fixture ({@link SocketIoConformance}: ping 300/200 ms, upgrades offered as exactly
 * {@code ["websocket"]}): each transport alone, the default negotiation ending on WebSocket,
 * WebSocket blackholed by a proxy (connected on another transport within 1.5 s of {@code io()}),
 * and reconnection by itself after a server restart.
 */
class ConformanceFixtureBrowserTest extends SharedBrowserTest {

  private Listening fixture(int port) {
    Server server = SocketIoConformance.create();
    closing.add(server::close);
    Listening http = server.listen("127.0.0.1", port);
    closing.add(http);
    return http;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> connect(String origin, String options) {
    return (Map<String, Object>) browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "const t0 = performance.now();"
        + "window.socket = io(arguments[0], Object.assign({ forceNew: true }, " + options + "));"
        + "window.authSeen = new Promise((r) => socket.once('auth', r));"
        + "socket.once('connect', () => done({ transport: socket.io.engine.transport.name, ms: performance.now() - t0 }));"
        + "socket.once('connect_error', (e) => done({ error: String(e && e.message) }));", origin);
  }

  /** The fixture acknowledges message-with-ack with all its arguments. */
  private static Object roundTrip(String text) {
    return browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "socket.timeout(3000).emit('message-with-ack', arguments[0], new Uint8Array([1, 2]),"
        + "  (err, a, b) => done(err ? 'error: ' + err.message : a + ':' + Array.from(new Uint8Array(b)).join(',')));",
        text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "sse", "websocket"})
  void eachTransportAlone(String transport) {
    String origin = "http://127.0.0.1:" + fixture(0).port();
    browser.loadServedClient(origin);
    Map<String, Object> r = connect(origin, "{ transports: ['" + transport + "'] }");
    assertEquals(transport, r.get("transport"), String.valueOf(r));
    assertEquals("hi:1,2", roundTrip("hi"));
    // heartbeats at 300 ms keep it up well past pingInterval + pingTimeout
    browser.jsAsync("const done = arguments[arguments.length - 1]; let n = 0;"
        + "socket.io.on('ping', () => { if (++n === 4) done(true); });");
    assertEquals(Boolean.TRUE, browser.js("return socket.connected"));
    assertEquals(transport, browser.js("return socket.io.engine.transport.name"));
  }

  @Test
  void defaultNegotiationEndsOnWebSocket() {
    String origin = "http://127.0.0.1:" + fixture(0).port();
    browser.loadServedClient(origin);
    Map<String, Object> r = connect(origin, "{}");
    assertTrue(r.containsKey("transport"), String.valueOf(r));
    browser.waitUntil("return socket.io.engine.transport.name === 'websocket'");
    assertEquals("ws:1,2", roundTrip("ws"));
  }

  @Test
  void webSocketBlackholedConnectsOnAnotherTransportWithin1500ms() {
    Listening http = fixture(0);
    BlackholeProxy proxy = BlackholeProxy.start(http.port());
    closing.add(proxy);
    String origin = "http://127.0.0.1:" + proxy.port();
    browser.loadServedClient(origin);
    Map<String, Object> r = connect(origin, "{}");
    assertTrue(r.containsKey("transport"), String.valueOf(r));
    assertNotEquals("websocket", r.get("transport"));
    assertTrue(((Number) r.get("ms")).doubleValue() < 1500, "connected in " + r.get("ms") + " ms");
    assertEquals("proxied:1,2", roundTrip("proxied"));
    // it stays up on that transport while the blackholed WebSocket upgrade probe goes nowhere
    browser.jsAsync("const done = arguments[arguments.length - 1]; let n = 0;"
        + "socket.io.on('ping', () => { if (++n === 4) done(true); });");
    assertEquals(Boolean.TRUE, browser.js("return socket.connected"));
  }

  @Test
  void reconnectsByItselfAfterAServerRestart() {
    Listening http = fixture(0);
    int port = http.port();
    String origin = "http://127.0.0.1:" + port;
    browser.loadServedClient(origin);
    Map<String, Object> r = connect(origin, "{}");
    assertTrue(r.containsKey("transport"), String.valueOf(r));
    browser.js("window.log = []; socket.on('disconnect', (why) => log.push('disconnect ' + why));"
        + "socket.on('connect', () => log.push('connect'));");
    Object firstId = browser.js("return socket.id");
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    closing.clear();
    browser.waitUntil("return log.some((e) => e.startsWith('disconnect'))");
    fixture(port);
    browser.waitUntil("return log.includes('connect')", Duration.ofSeconds(15));
    assertNotEquals(firstId, browser.js("return socket.id"));
    assertEquals("back:1,2", roundTrip("back"));
  }
}
