package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.ListenOptions;
import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.Await;
import dev.belay.testing.Browser;
import dev.belay.testing.TestTls;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WindowType;

/**
 * Ten tabs of one origin in headless Chromium, each with a Socket.IO client forced to SSE. Over
 * HTTP/2 (TLS, ALPN) the ten streams share one connection: all ten connect and exchange events.
 * Over HTTP/1.1 the browser's six connections per origin are the limit: never more than six
 * streams are open at once, and tabs beyond them time out without connecting, which is why the
 * README recommends HTTP/2 for apps whose clients may fall back to SSE or polling.
 */
class Http2TabsBrowserTest {
  private static final int TABS = 10;
  private Browser browser;
  private final List<AutoCloseable> closing = new ArrayList<>();
  /** SSE sessions open now, and the most ever open at once; any thread. */
  private final AtomicInteger sseOpen = new AtomicInteger();
  private final AtomicInteger sseMax = new AtomicInteger();

  @AfterEach
  void tearDown() throws Exception {
    if (browser != null) browser.close();
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }

  private Server server() {
    Server io = new Server(ServerOptions.builder()
        .engine(EngineOptions.builder().transports("sse", "polling").build()).build());
    io.engine().onConnection(session -> {
      if (!"sse".equals(session.transport())) return;
      sseMax.accumulateAndGet(sseOpen.incrementAndGet(), Math::max);
      session.onClose((reason, description) -> sseOpen.decrementAndGet());
    });
    io.on("connection", socket -> socket.on("hello", (args, ack) -> ack.send("hello, tab " + args.get(0))));
    closing.add(io::close);
    return io;
  }

  /** Opens the ten tabs and loads the served client in each, before any of them holds a stream. */
  private List<String> openTabs(String origin) {
    List<String> tabs = new ArrayList<>();
    for (int i = 0; i < TABS; i++) {
      if (i > 0) browser.driver.switchTo().newWindow(WindowType.TAB);
      browser.loadServedClient(origin);
      tabs.add(browser.driver.getWindowHandle());
    }
    return tabs;
  }

  /** Starts a Socket.IO client on SSE only in each tab; each records how it fared in window.state. */
  private void connectAll(List<String> tabs, String origin) {
    for (int i = 0; i < tabs.size(); i++) {
      browser.driver.switchTo().window(tabs.get(i));
      browser.js("window.state = 'connecting';"
          + "window.socket = io(arguments[0], { forceNew: true, reconnection: false, timeout: 5000, transports: ['sse'] });"
          + "socket.on('connect', () => {"
          + "  window.state = 'connected ' + socket.io.engine.transport.name;"
          + "  socket.emit('hello', arguments[1], (answer) => { window.answer = answer; });"
          + "});"
          + "socket.on('connect_error', (e) => { window.state = 'connect_error ' + e.message; });", origin, i);
    }
  }

  private String state(String tab) {
    browser.driver.switchTo().window(tab);
    return String.valueOf(browser.js("return window.state + (window.answer ? ' / ' + window.answer : '')"));
  }

  private List<String> states(List<String> tabs) {
    List<String> states = new ArrayList<>();
    for (String tab : tabs) states.add(state(tab));
    return states;
  }

  @Test
  void tenSseTabsOverHttp2AllConnectAndExchangeEvents() {
    Server io = server();
    Listening https = io.listen(ListenOptions.builder().host("127.0.0.1").tls(TestTls.server()).build());
    closing.add(https);
    String origin = "https://127.0.0.1:" + https.port();
    browser = Browser.start("--ignore-certificate-errors");
    List<String> tabs = openTabs(origin);
    browser.driver.switchTo().window(tabs.get(0));
    assertEquals("h2", browser.js("return performance.getEntriesByType('resource')"
        + ".find(e => e.name.endsWith('/socket.io/socket.io.js')).nextHopProtocol"), "the page's origin speaks h2");

    connectAll(tabs, origin);
    Await.until(() -> states(tabs).stream().allMatch(s -> s.contains("/ hello")), Await.BROWSER_TIMEOUT,
        "all ten tabs connected over SSE and answered");
    List<String> states = states(tabs);
    for (int i = 0; i < TABS; i++) assertEquals("connected sse / hello, tab " + i, states.get(i));
    assertEquals(TABS, sseMax.get(), "ten SSE streams open at once");
  }

  @Test
  void tenSseTabsOverHttp11StarveBeyondSixConnections() {
    Server io = server();
    Listening http = io.listen("127.0.0.1", 0);
    closing.add(http);
    String origin = "http://127.0.0.1:" + http.port();
    browser = Browser.start();
    List<String> tabs = openTabs(origin);
    connectAll(tabs, origin);
    // The tabs whose stream never gets a connection give up at the client's 5 s timeout.
    Await.until(() -> states(tabs).stream().filter(s -> s.startsWith("connect_error")).count() >= TABS - 6,
        Await.BROWSER_TIMEOUT, "the tabs beyond six connections to time out");
    List<String> states = states(tabs);
    long connected = states.stream().filter(s -> s.startsWith("connected")).count();
    System.out.println("ten SSE tabs over HTTP/1.1: " + states + "; at most " + sseMax.get() + " streams open at once");
    assertTrue(sseMax.get() <= 6, "at most six streams at once over HTTP/1.1, saw " + sseMax.get());
    assertTrue(connected < TABS, "not every tab can connect over HTTP/1.1: " + states);
  }
}
