package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The bundled client and Chromium's network emulation: while the browser is offline a due retry
 * waits (no attempt against a dead network); when it is online again the client reconnects at
 * once, not at the next backoff step.
 */
class NetworkAwarenessBrowserTest extends SharedBrowserTest {

  private static void network(boolean offline) {
    ChromeDriver chrome = (ChromeDriver) browser.driver;
    chrome.executeCdpCommand("Network.enable", Map.of());
    chrome.executeCdpCommand("Network.emulateNetworkConditions",
        Map.of("offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
  }

  @Test
  void noRetryWhileOfflineAndReconnectWithinOneSecondOfOnline() {
    Server io = new Server(ServerOptions.builder().build());
    closing.add(io::close);
    closing.add(() -> network(false));
    Listening http = io.listen("127.0.0.1", 0);
    closing.add(http);
    String origin = "http://127.0.0.1:" + http.port();
    browser.loadServedClient(origin);
    browser.js("window.attempts = 0; window.socket = io(arguments[0], { forceNew: true, transports: ['websocket'],"
        + " reconnectionDelay: 1000, reconnectionDelayMax: 1000, randomizationFactor: 0 });"
        + "socket.io.on('reconnect_attempt', () => attempts++);"
        + "window.addEventListener('online', () => { window.onlineAt = performance.now(); });"
        + "socket.on('connect', () => { window.connectedAt = performance.now(); });", origin);
    browser.waitUntil("return socket.connected");

    network(true);
    browser.waitUntil("return navigator.onLine === false");
    io.sockets().sockets().values().forEach(s -> s.conn().close());
    browser.waitUntil("return !socket.connected");
    // Two and a half backoff steps offline: no attempt.
    Object attempts = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "setTimeout(() => done(attempts), 2500);");
    assertEquals(0L, ((Number) attempts).longValue(), "reconnection attempts while offline");

    network(false);
    browser.waitUntil("return socket.connected && window.onlineAt !== undefined");
    double ms = ((Number) browser.js("return connectedAt - onlineAt")).doubleValue();
    assertTrue(ms < 1000, "connected " + ms + " ms after the online event");
  }
}
