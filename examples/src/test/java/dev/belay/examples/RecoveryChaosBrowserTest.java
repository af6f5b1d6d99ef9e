package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.testing.ChaosProxy;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Connection state recovery under a network that keeps breaking, in headless Chromium: the
 * {@code /recovery/} fixture behind a {@link ChaosProxy} that cuts every connection 100 to 800 ms
 * after it opens, and the bundled client as the fixture serves it ({@code /recovery/socket.io.js},
 * loaded through the proxy) on a page of the proxy's origin, on each transport alone and in the
 * default negotiation. Each tick of a 1..N stream (started over a direct connection) must arrive
 * exactly once and in order, every reconnection must be recovered, and every acknowledged
 * {@code inc} emit (retries on) must be handled exactly once.
 *
 * <p>CI runs a short stream per transport; {@code -Drecovery.ticks}, {@code -Drecovery.everyMs}
 * and {@code -Drecovery.seed} (replay) as for {@link RecoveryChaosTest}, and
 * {@code -Drecovery.modes=polling,sse} picks the modes.
 */
class RecoveryChaosBrowserTest extends SharedBrowserTest {
  private static final int TICKS = Integer.getInteger("recovery.ticks", 150);
  private static final int EVERY_MS = Integer.getInteger("recovery.everyMs", 40);
  private static final int INCS = 20;
  private static final long SEED = Long.getLong("recovery.seed", System.nanoTime());
  // Written by the test methods (one at a time), read by stop().
  private static final AtomicInteger TOTAL_CUTS = new AtomicInteger();
  // Set once in @BeforeAll, read by the tests (one at a time).
  private static Undertow server;
  private static int port;

  /**
   * The scenario of recovery-chaos.mjs, in the page: connects {@code window.socket} to the page's
   * origin (the proxy), starts the stream over a direct WebSocket, sends the incs, waits for the
   * last tick, asks for the stats, and leaves {@code window.chaos.result} (or {@code failure}).
   * Arguments: direct base url, mode, ticks, everyMs, incs.
   */
  private static final String SCENARIO = """
      const [direct, mode, N, everyMs, INCS] = arguments;
      const out = window.chaos = { done: false, result: null, failure: null };
      const fail = (e) => { if (!out.done) { out.failure = String(e && e.stack ? e.stack : e); out.done = true; } };
      window.addEventListener('unhandledrejection', (ev) => fail(ev.reason));
      window.addEventListener('error', (ev) => fail(ev.error || ev.message));
      const options = { path: '/recovery/', forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200,
        randomizationFactor: 0.5, timeout: 2000 };
      if (mode !== 'default') options.transports = [mode];
      if (INCS > 0) Object.assign(options, { retries: 1000, ackTimeout: 1000 });
      let expected = 1;
      const errors = [];
      let reconnects = 0, notRecovered = 0, firstConnect = true, welcomes = 0;
      // Reconnections before the client got its first packet: it has no offset to send, and Belay
      // resumes it from where its socket started (Socket.IO would give it a fresh socket).
      let beforeFirstOffset = 0;
      let offsetAtDrop;
      const transportsSeen = new Set();
      const socket = window.socket = io(location.origin, options);
      socket.on('welcome', () => { welcomes++; });
      // The last tick seen at each disconnect, to tell a tick lost at a reconnection from one lost
      // while connected.
      const drops = [];
      socket.on('disconnect', (reason) => { offsetAtDrop = socket._lastOffset; drops.push((expected - 1) + ' ' + reason); });
      socket.on('connect', () => {
        transportsSeen.add(socket.io.engine.transport.name);
        if (firstConnect) { firstConnect = false; return; }
        reconnects++;
        if (offsetAtDrop === undefined) beforeFirstOffset++;
        if (!socket.recovered) { notRecovered++; errors.push('reconnection ' + reconnects + ' not recovered'); }
      });
      const done = new Promise((resolve) => {
        socket.on('tick', (i) => {
          if (i !== expected) errors.push('tick ' + i + ' when ' + expected + ' was expected');
          expected = Math.max(expected, i + 1);
          if (i === N) resolve();
        });
      });
      out.report = () => ({ ticks: expected - 1, reconnects, notRecovered, beforeFirstOffset, welcomes,
        transports: [...transportsSeen], errors: errors.slice(0, 20), drops: drops.slice(0, 40) });
      (async () => {
        await new Promise((resolve) => socket.once('connect', resolve));
        // The stream is started on a direct connection, so that a cut cannot lose or repeat the request.
        const control = window.control = io(direct, { path: '/recovery/', forceNew: true, transports: ['websocket'] });
        await new Promise((resolve) => control.once('connect', resolve));
        const started = await control.timeout(5000).emitWithAck('start', { n: N, everyMs });
        if (started !== 'started') throw new Error('start answered ' + JSON.stringify(started));
        if (INCS > 0) {
          const acks = [];
          for (let k = 1; k <= INCS; k++) acks.push(socket.emitWithAck('inc', { seq: k }));
          const answers = await Promise.all(acks);
          for (let k = 1; k <= INCS; k++) if (answers[k - 1] !== k) errors.push('inc ' + k + ' acked ' + answers[k - 1]);
        }
        await done;
        let stats = null;
        for (let attempt = 0; attempt < 50 && stats === null; attempt++) {
          try {
            stats = await socket.timeout(2000).emitWithAck('stats');
          } catch (e) { /* cut meanwhile: ask again */ }
        }
        control.close();
        out.result = Object.assign(out.report(), stats ? { received: stats.received, duplicates: stats.duplicates } : {});
        out.done = true;
      })().catch(fail);
      """;

  @BeforeAll
  static void start() {
    server = Main.conformance("127.0.0.1", 0);
    port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    System.out.println("RecoveryChaosBrowserTest seed " + SEED + " (-Drecovery.seed to replay)");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.stop();
    System.out.println("RecoveryChaosBrowserTest: " + TOTAL_CUTS.get() + " cuts in total");
  }

  /** The transport modes to run, {@code -Drecovery.modes=polling} for one. */
  static Stream<String> modes() {
    return Stream.of(System.getProperty("recovery.modes", "websocket,sse,polling,default").split(",")).map(String::trim);
  }

  @ParameterizedTest(name = "bundled client in Chromium, {0}")
  @MethodSource("modes")
  void everyTickArrivesOnceAndInOrderThroughCuts(String mode) throws IOException {
    ChaosProxy proxy = ChaosProxy.start(port, SEED ^ ("browser" + mode).hashCode(), 100, 800);
    closing.add(proxy);
    String origin = "http://127.0.0.1:" + proxy.port();
    loadClientThroughProxy(origin);
    browser.js(SCENARIO, "http://127.0.0.1:" + port, mode, TICKS, EVERY_MS, INCS);
    Duration timeout = Duration.ofSeconds(30 + TICKS * EVERY_MS * 4L / 1000);
    try {
      new WebDriverWait(browser.driver, timeout, Duration.ofMillis(200))
          .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.chaos.done")));
    } catch (TimeoutException e) {
      fail(mode + ", seed " + SEED + ": not done within " + timeout + ": "
          + browser.js("return JSON.stringify(window.chaos.report ? window.chaos.report() : null)"));
    }
    int cuts = proxy.cuts();
    TOTAL_CUTS.addAndGet(cuts);
    String summary = "Chromium/" + mode + ", " + cuts + " cuts, seed " + SEED + ": "
        + browser.js("return window.chaos.failure || JSON.stringify(window.chaos.result)");
    assertEquals(null, browser.js("return window.chaos.failure"), summary);
    JsonObject report = JsonParser.parseString((String) browser.js("return JSON.stringify(window.chaos.result)"))
        .getAsJsonObject();
    assertEquals(TICKS, report.get("ticks").getAsInt(), summary);
    assertEquals(0, report.getAsJsonArray("errors").size(), summary);
    assertEquals(0, report.get("notRecovered").getAsInt(), summary);
    assertEquals(1, report.get("welcomes").getAsInt(), "one socket all along, one welcome: " + summary);
    assertTrue(cuts >= 3, "the proxy must have cut a few times: " + summary);
    // On polling a cut request is sent again (by Chromium on a reused connection, and by the client
    // with resend-safe polling), so cuts need not cost reconnections there.
    if (!mode.equals("polling")) {
      assertTrue(report.get("reconnects").getAsInt() >= 3, "cuts must have caused reconnections: " + summary);
    }
    assertEquals(INCS, report.get("received").getAsInt(), summary);
    assertEquals(0, report.get("duplicates").getAsInt(), summary);
    System.out.println(summary);
  }

  /**
   * Opens a page of {@code origin} and loads the client script the fixture serves there, both
   * through the proxy, so again while a cut breaks either.
   */
  private static void loadClientThroughProxy(String origin) {
    boolean onOrigin = false;
    for (int attempt = 0; attempt < 30 && !onOrigin; attempt++) {
      browser.open(origin + "/recovery/"); // a small answer (400 JSON) will do; an error page is not of the origin
      onOrigin = origin.equals(browser.js("return location.origin"));
    }
    if (!onOrigin) fail("no page of " + origin + " loaded through the proxy in 30 attempts");
    browser.js("document.open(); document.write('<html><body></body></html>'); document.close();");
    Object attempts = browser.jsAsync("""
        const done = arguments[arguments.length - 1];
        let attempts = 0;
        (function load() {
          attempts++;
          const retry = () => (attempts < 30 ? setTimeout(load, 20) : done(-attempts));
          const s = document.createElement('script');
          s.src = '/recovery/socket.io.js?attempt=' + attempts;
          s.onload = () => (typeof io === 'function' ? done(attempts) : retry());
          s.onerror = retry;
          document.head.appendChild(s);
        })();
        """);
    if (!(attempts instanceof Number n) || n.intValue() < 1) fail("the served script did not define io at " + origin);
  }
}
