package dev.belay.examples;

import dev.belay.testing.Browser;
import dev.belay.testing.TestTls;
import org.junit.jupiter.api.Test;

/**
 * The transport lab shows the HTTP version each tab's transport runs on, as the browser reports
 * it: h2 for SSE and polling over TLS, an HTTP/1.1 upgrade for WebSocket, http/1.1 on cleartext.
 */
class LabHttpVersionBrowserTest {
  private static final String HTTP = "document.querySelector('#http').textContent";

  @Test
  void overTlsSseAndPollingRunOnH2AndWebSocketOnAnHttp11Upgrade() {
    try (LabServer lab = new LabServer();
        ExampleHttp https = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 0, TestTls.server());
        Browser browser = Browser.start("--ignore-certificate-errors")) {
      for (String[] expected : new String[][] {{"sse", "h2"}, {"polling", "h2"}, {"websocket", "http/1.1 upgrade"}}) {
        browser.open(https.url() + "?transport=" + expected[0]);
        browser.waitUntil("return document.querySelector('#transport').textContent === '" + expected[0] + "'"
            + " && " + HTTP + " === '" + expected[1] + "'");
        // Every tab's row in the table shows it too.
        browser.waitUntil("return document.querySelector('#tabs tr.mine .http')?.textContent === '" + expected[1] + "'");
      }
    }
  }

  @Test
  void overCleartextPollingRunsOnHttp11() {
    try (LabServer lab = new LabServer();
        ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 0);
        Browser browser = Browser.start()) {
      browser.open(http.url() + "?transport=polling");
      browser.waitUntil("return " + HTTP + " === 'http/1.1'");
    }
  }
}
