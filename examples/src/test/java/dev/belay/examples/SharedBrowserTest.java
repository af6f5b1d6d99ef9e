package dev.belay.examples;

import dev.belay.testing.Browser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One headless Chromium for all the tests of a class (starting one costs seconds); after each test
 * the page's socket is disconnected and what the test opened (servers, proxies) is closed, last
 * first.
 */
abstract class SharedBrowserTest {
  static Browser browser;
  /** Closed after each test, in reverse order of adding. */
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    browser.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    browser.js("if (window.socket) window.socket.disconnect();");
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }
}
