package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.BlackholeProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled client, exactly as the server serves it at {@code /socket.io/socket.io.js}, in
 * headless Chromium against Belay: each transport forced, the default negotiation, WebSocket
 * refused and WebSocket blackholed by a proxy (connected on another transport within 1.5 s), a
 * server restart (the page reconnects by itself), and binary sent from the browser.
 */
class BundledClientBrowserTest extends SharedBrowserTest {

  /** The served file under test; {@link MinifiedClientBrowserTest} runs every test on the minified one. */
  String script() {
    return "socket.io.js";
  }

  private Server server(UnaryOperator<EngineOptions.Builder> engine) {
    Server io = new Server(ServerOptions.builder()
        .engine(engine.apply(EngineOptions.builder().pingInterval(Duration.ofSeconds(2))
            .pingTimeout(Duration.ofSeconds(2))).build())
        .build());
    io.on("connection", socket -> {
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      socket.on("sizes", (args, ack) -> {
        List<Object> out = new ArrayList<>();
        for (Object a : args) out.add(describe(a));
        ack.send(out.toArray());
      });
    });
    closing.add(io::close);
    return io;
  }

  private static Object describe(Object a) {
    if (a instanceof byte[] b) {
      StringBuilder sb = new StringBuilder("bytes:");
      for (byte x : b) sb.append(x & 0xff).append(' ');
      return sb.toString().trim();
    }
    if (a instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.TreeMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), describe(v)));
      return out;
    }
    if (a instanceof List<?> l) return l.stream().map(BundledClientBrowserTest::describe).toList();
    return a;
  }

  private Listening listen(Server io, int port) {
    Listening http = io.listen("127.0.0.1", port);
    closing.add(http);
    return http;
  }

  /** Connects window.socket with the given options (a JS object literal); returns transport and time. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> connect(String origin, String options) {
    return (Map<String, Object>) browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "const t0 = performance.now();"
        + "window.socket = io(arguments[0], Object.assign({ forceNew: true }, " + options + "));"
        + "socket.once('connect', () => done({ transport: socket.io.engine.transport.name,"
        + "  ms: performance.now() - t0 }));"
        + "socket.once('connect_error', (e) => done({ error: String(e && e.message) }));", origin);
  }

  private static Object echo(Object value) {
    return browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "socket.timeout(5000).emit('echo', arguments[0], (err, v) => done(err ? 'error: ' + err.message : v));",
        value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "sse", "websocket"})
  void eachTransportForced(String transport) {
    Listening http = listen(server(b -> b), 0);
    String origin = "http://127.0.0.1:" + http.port();
    browser.loadServedClient(origin, script());
    Map<String, Object> r = connect(origin, "{ transports: ['" + transport + "'] }");
    assertEquals(transport, r.get("transport"), String.valueOf(r));
    Object sent = browser.js("return JSON.stringify(arguments[0])", "héllo\r\n\u2028😀");
    Object got = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "socket.timeout(5000).emit('echo', 'héllo\\r\\n\\u2028😀', (err, v) => done(JSON.stringify(err ? err.message : v)));");
    assertEquals(sent, got);
    assertEquals(transport, browser.js("return socket.io.engine.transport.name"));
  }

  @Test
  void defaultNegotiationEndsOnWebSocket() {
    Listening http = listen(server(b -> b), 0);
    String origin = "http://127.0.0.1:" + http.port();
    browser.loadServedClient(origin, script());
    Map<String, Object> r = connect(origin, "{}");
    assertTrue(r.containsKey("transport"), String.valueOf(r));
    browser.waitUntil("return socket.io.engine.transport.name === 'websocket'");
    assertEquals("ok", echo("ok"));
  }

  @Test
  void webSocketRefusedByTheServerConnectsOnAnotherTransportWithin1500ms() {
    Listening http = listen(server(b -> b.transports("sse", "polling")), 0);
    String origin = "http://127.0.0.1:" + http.port();
    browser.loadServedClient(origin, script());
    Map<String, Object> r = connect(origin, "{}");
    assertEquals("sse", r.get("transport"), String.valueOf(r));
    assertTrue(((Number) r.get("ms")).doubleValue() < 1500, "connected in " + r.get("ms") + " ms");
    assertEquals("still here", echo("still here"));
  }

  @Test
  void webSocketBlackholedByAProxyConnectsOnAnotherTransportWithin1500ms() {
    Listening http = listen(server(b -> b), 0);
    BlackholeProxy proxy = BlackholeProxy.start(http.port());
    closing.add(proxy);
    String origin = "http://127.0.0.1:" + proxy.port();
    browser.loadServedClient(origin, script());
    Map<String, Object> r = connect(origin, "{}");
    assertTrue(r.containsKey("transport"), String.valueOf(r));
    assertTrue(!"websocket".equals(r.get("transport")), String.valueOf(r));
    assertTrue(((Number) r.get("ms")).doubleValue() < 1500, "connected in " + r.get("ms") + " ms");
    assertTrue(proxy.blackholed() >= 1, "the WebSocket was tried and swallowed");
    assertEquals("through the proxy", echo("through the proxy"));
    // the winner is remembered for this origin: a new page starts there at once
    browser.loadServedClient(origin, script());
    Map<String, Object> again = connect(origin, "{ upgrade: false }");
    assertEquals(r.get("transport"), again.get("transport"), String.valueOf(again));
    assertTrue(((Number) again.get("ms")).doubleValue() < 1000, "reconnected in " + again.get("ms") + " ms");
  }

  @Test
  void serverRestartThePageReconnectsByItselfAndEventsFlowAgain() {
    Server first = server(b -> b);
    Listening http = listen(first, 0);
    int port = http.port();
    String origin = "http://127.0.0.1:" + port;
    browser.loadServedClient(origin, script());
    Map<String, Object> r = connect(origin, "{ reconnectionDelay: 100, reconnectionDelayMax: 500 }");
    assertTrue(r.containsKey("transport"), String.valueOf(r));
    browser.js("window.events = []; socket.on('disconnect', (reason) => events.push('disconnect:' + reason));"
        + "socket.on('connect', () => events.push('connect'));");
    http.close();
    first.close();
    browser.waitUntil("return events.some((e) => e.startsWith('disconnect:'))");
    browser.js("socket.emit('echo', 'sent while down', (v) => window.lateAck = v);");
    Listening again = listen(server(b -> b), port);
    assertEquals(port, again.port());
    browser.waitUntil("return events.includes('connect')", Duration.ofSeconds(10));
    browser.waitUntil("return window.lateAck === 'sent while down'");
    assertEquals("after restart", echo("after restart"));
  }

  @Test
  void theServedEsModuleImportsAndConnects() {
    Listening http = listen(server(b -> b), 0);
    String origin = "http://127.0.0.1:" + http.port();
    browser.open(origin + "/socket.io/socket.io.esm.js");
    browser.js("document.open(); document.write('<html><body></body></html>'); document.close();");
    Object result = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "window.esmDone = done;"
        + "const s = document.createElement('script'); s.type = 'module';"
        + "s.textContent = `import io, { io as named, Manager, Socket } from '${arguments[0]}/socket.io/socket.io.esm.js';"
        + "  const socket = io('${arguments[0]}', { forceNew: true });"
        + "  socket.emit('echo', 'esm', (v) => window.esmDone([v, io === named, typeof Manager, socket instanceof Socket,"
        + "    typeof window.io]));`;"
        + "document.head.appendChild(s);", origin);
    assertEquals(List.of("esm", true, "function", true, "undefined"), result, "the module defines no global");
  }

  @Test
  void binaryFromTheBrowser() {
    Listening http = listen(server(b -> b), 0);
    String origin = "http://127.0.0.1:" + http.port();
    browser.loadServedClient(origin, script());
    connect(origin, "{}");
    Object r = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "const blob = new Blob([new Uint8Array([7, 8])]);"
        + "socket.emit('sizes', new Uint8Array([1, 2, 3]), { nested: [new Uint16Array([258]).buffer, blob] },"
        + "  (a, b) => done([a, b]));");
    assertEquals(List.of("bytes:1 2 3", Map.of("nested", List.of("bytes:2 1", "bytes:7 8"))), r);
    Object back = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "socket.emit('echo', { bin: new Uint8Array([9, 10]) }, (v) => done(v.bin instanceof ArrayBuffer"
        + "  ? Array.from(new Uint8Array(v.bin)) : 'not binary: ' + typeof v.bin));");
    assertEquals(List.of(9L, 10L), back);
  }
}
