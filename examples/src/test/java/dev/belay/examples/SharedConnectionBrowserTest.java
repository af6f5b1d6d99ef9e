package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.Await;
import dev.belay.testing.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.WindowType;

/**
 * The lab page with {@code ?shared=1} in three tabs of one headless Chromium: one server session
 * for all (read from the lab's {@code /stats.json}), broadcasts reach every tab, each tab gets its
 * own acks; the tab opened first is closed and the other two go on within 2 s, without losing a
 * broadcast (the lab has connection state recovery). Once over the SharedWorker, once over the
 * leader-tab fallback ({@code &sharedWorker=0}).
 */
class SharedConnectionBrowserTest {
  private static final Pattern SESSIONS = Pattern.compile("\"sessions\":\\s*(\\d+)");
  /** One browser per test; closed after it. */
  private Browser browser;
  private LabServer lab;
  private ExampleHttp http;

  @BeforeEach
  void start() {
    lab = new LabServer();
    http = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 0, null, Map.of("/stats.json", lab::statsJson));
    browser = Browser.start();
  }

  @AfterEach
  void stop() {
    if (browser != null) browser.close();
    http.close();
    lab.close();
  }

  private int sessions() {
    HttpResponse<String> r;
    try {
      r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(http.url() + "stats.json")).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET /stats.json", e);
    }
    Matcher m = SESSIONS.matcher(r.body());
    assertTrue(m.find(), r.body());
    return Integer.parseInt(m.group(1));
  }

  private void awaitSessions(int expected) {
    Await.until(() -> sessions() == expected, "open Engine.IO sessions on the server == " + expected);
    assertEquals(expected, sessions());
  }

  private void openTab(String url, boolean first) {
    if (!first) browser.driver.switchTo().newWindow(WindowType.TAB);
    browser.open(url);
    browser.waitUntil("return window.labSocket && labSocket.connected");
    browser.js("window.got = []; window.counts = []; window.__log = [];"
        + "const orig = labSocket._receive.bind(labSocket); labSocket._receive = (m) => { if (m.t !== 's' && !(m.args && m.args[0] === 'state')) __log.push(JSON.stringify(m)); orig(m); };"
        + "labSocket.on('broadcast', (v) => got.push(v)); labSocket.on('count', (n) => counts.push(n));");
  }

  /** Waits for a condition in the current tab; on time-out, says what the tab saw. */
  private void waitIn(String condition) {
    try {
      browser.waitUntil("return " + condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(condition + ", the tab saw: " + browser.js("return JSON.stringify({ got, counts, recovered: labSocket.recovered, connected: labSocket.connected, log: __log.slice(-8) })"), e);
    }
  }

  /** This tab's echo: its own tab id back, and the time it took. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> echo() {
    return (Map<String, Object>) browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "const t0 = performance.now();"
        + "labSocket.timeout(8000).emit('echo', labSocket.tabId, (err, v) =>"
        + "  done({ mine: !err && v === labSocket.tabId, v: String(v), me: String(labSocket.tabId), got: JSON.stringify(got), log: __log.slice(-6).join(' '), ms: performance.now() - t0, err: err ? err.message : null }));");
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker", "tabs"})
  void threeTabsShareOneSessionAndSurviveClosingTheFirst(String mode) throws Exception {
    String url = http.url() + "?shared=1" + (mode.equals("tabs") ? "&sharedWorker=0" : "");
    List<String> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      openTab(url, i == 0);
      handles.add(browser.driver.getWindowHandle());
    }
    awaitSessions(1);

    // Broadcasts reach all three tabs; each tab's ack comes back to it.
    browser.js("labSocket.emit('broadcast', 'hello')");
    for (String h : handles) {
      browser.driver.switchTo().window(h);
      Map<String, Object> r = echo();
      waitIn("got.includes('hello')");
      assertEquals(Boolean.TRUE, r.get("mine"), String.valueOf(r));
    }

    // A run of numbered broadcasts; the first tab (the leader in the fallback) closes half-way.
    browser.driver.switchTo().window(handles.get(1));
    browser.js("labSocket.emit('count', 100)");
    browser.waitUntil("return counts.length >= 30");
    browser.driver.switchTo().window(handles.get(0));
    browser.driver.close();
    long closedAt = System.nanoTime();

    for (String h : handles.subList(1, 3)) {
      browser.driver.switchTo().window(h);
      Map<String, Object> r = echo();
      assertEquals(Boolean.TRUE, r.get("mine"), String.valueOf(r));
      long sinceClose = (System.nanoTime() - closedAt) / 1_000_000;
      assertTrue(sinceClose < 2000 + 1000 * handles.indexOf(h), "ack " + sinceClose + " ms after the close: " + r);
    }
    List<Long> all = IntStream.rangeClosed(1, 100).mapToObj(i -> (long) i).toList();
    for (String h : handles.subList(1, 3)) {
      browser.driver.switchTo().window(h);
      waitIn("counts.length >= 100 && labSocket.connected");
      assertEquals(all, browser.js("return counts"), "every broadcast, once, in order");
      browser.js("labSocket.emit('broadcast', 'after')");
    }
    for (String h : handles.subList(1, 3)) {
      browser.driver.switchTo().window(h);
      waitIn("got.filter((v) => v === 'after').length === 2");
    }
    awaitSessions(1);
  }
}
