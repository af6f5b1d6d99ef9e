package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.Browser;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;

/**
 * The transport lab in two headless Chromium profiles (two people, one tab each): what they see
 * when the server refuses WebSocket, when it allows it again, and when a connection is dropped.
 */
class LabBrowserTest {
  private static Browser first;
  private static Browser second;

  @BeforeAll
  static void startBrowsers() {
    first = Browser.start();
    second = Browser.start();
  }

  @AfterAll
  static void closeBrowsers() {
    for (Browser b : new Browser[] {first, second}) if (b != null) b.close();
  }

  @Test
  void aNewTabFallsBackWhenTheServerRefusesWebSocketAndGetsItBackWhenAllowed() {
    try (LabServer lab = new LabServer(); ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 0)) {
      open(first, http);
      first.waitUntil("return " + textOf("#transport") + " === 'websocket'");

      first.driver.findElement(By.cssSelector("label.switch")).click();
      first.waitUntil("return " + textOf("#refuse-state") + ".startsWith('New connections cannot use WebSocket')");

      open(second, http);
      String fallback = (String) second.js("return " + textOf("#transport"));
      assertNotEquals("websocket", fallback);
      second.waitUntil("return [...document.querySelectorAll('#log li')].some(li => li.textContent.includes("
          + "'fallback: the server refused WebSocket, staying on " + fallback + "'))");
      assertFalse(((String) second.js("return " + textOf("#offered"))).contains("websocket"));
      assertFalse(((String) second.js("return " + textOf("#path"))).contains("websocket"));
      // The other tab and the server's counters show it too.
      first.waitUntil("return ['sse', 'polling'].includes(" + textOf("#tabs tr:not(.mine) .badge") + ")");
      first.waitUntil("return " + textOf("#count-websocket") + " === '1'"
          + " && Number(" + textOf("#count-sse") + ") + Number(" + textOf("#count-polling") + ") === 1");
      second.waitUntil("return [...document.querySelectorAll('#tabs td.rtt')].every(td => td.textContent.endsWith(' ms'))");
      second.screenshot(Path.of("target/screenshots/lab-fallback.png"));

      // Allowed again: a reload (which starts on the remembered transport) ends on WebSocket.
      first.driver.findElement(By.cssSelector("label.switch")).click();
      first.waitUntil("return " + textOf("#refuse-state") + " === 'WebSocket allowed.'");
      second.driver.navigate().refresh();
      second.waitUntil("return " + textOf("#status") + " === 'online'");
      second.waitUntil("return " + textOf("#transport") + " === 'websocket'");
      assertTrue(((String) second.js("return " + textOf("#path"))).endsWith("websocket"));
      first.waitUntil("return " + textOf("#tabs tr:not(.mine) .badge") + " === 'websocket'");
      second.waitUntil("return [...document.querySelectorAll('#tabs td.rtt')].every(td => td.textContent.endsWith(' ms'))");
      second.screenshot(Path.of("target/screenshots/lab-websocket-again.png"));
    }
  }

  @ParameterizedTest(name = "second tab on {0}")
  @ValueSource(strings = {"auto", "websocket", "sse", "polling"})
  void aDroppedConnectionReconnectsOnItsOwn(String transport) {
    try (LabServer lab = new LabServer(); ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 0)) {
      open(first, http);
      second.open(http.url() + (transport.equals("auto") ? "" : "?transport=" + transport));
      second.waitUntil("return " + textOf("#status") + " === 'online'");
      first.waitUntil("return document.querySelectorAll('#tabs tr').length === 2");
      first.waitUntil("return " + textOf("#tabs tr:not(.mine) .status") + " === 'connected'");

      // The first tab drops the second one's connection.
      // Found and clicked in one script: the table is redrawn on every update, so an element
      // looked up by WebDriver can be replaced before its click arrives (stale element).
      first.js("document.querySelector('#tabs tr:not(.mine) button.drop').click()");
      second.waitUntil("return [...document.querySelectorAll('#log li')].some(li => li.textContent.includes('disconnected: transport close'))");
      second.waitUntil("return " + textOf("#reconnects") + " === '1' && " + textOf("#status") + " === 'online'");
      second.waitUntil("return [...document.querySelectorAll('#log li')].some(li => li.textContent.includes('reconnected over'))");
      second.waitUntil("return " + textOf("#rtt") + ".endsWith(' ms')");
      // The first tab sees the second one back, with its reconnect counted.
      first.waitUntil("return " + textOf("#tabs tr:not(.mine) .reconnects") + " === '1'"
          + " && " + textOf("#tabs tr:not(.mine) .status") + " === 'connected'");
      first.waitUntil("return [...document.querySelectorAll('#tabs td.rtt')].every(td => td.textContent.endsWith(' ms'))");
      if (transport.equals("auto")) first.screenshot(Path.of("target/screenshots/lab.png"));
    }
  }

  @Test
  void aForcedTransportIsUsedAndShownToEveryTab() {
    try (LabServer lab = new LabServer(); ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 0)) {
      open(first, http);
      open(second, http);
      for (String transport : new String[] {"polling", "sse", "websocket"}) {
        second.driver.findElement(By.cssSelector("#force button[data-transport=" + transport + "]")).click();
        second.waitUntil("return location.search === '?transport=" + transport + "'");
        second.waitUntil("return " + textOf("#status") + " === 'online' && " + textOf("#transport") + " === '" + transport + "'");
        first.waitUntil("return " + textOf("#tabs tr:not(.mine) .badge") + " === '" + transport + "'"
            + " && " + textOf("#tabs tr:not(.mine) .forced") + " === 'forced'");
      }
      second.driver.findElement(By.cssSelector("#force button[data-transport='']")).click();
      second.waitUntil("return location.search === '' && " + textOf("#status") + " === 'online'");
      first.waitUntil("return " + textOf("#tabs tr:not(.mine) .forced") + " === undefined");
    }
  }

  private static void open(Browser browser, ExampleHttp http) {
    browser.open(http.url());
    browser.waitUntil("return " + textOf("#status") + " === 'online'");
  }

  private static String textOf(String selector) {
    return "document.querySelector('" + selector + "')?.textContent";
  }
}
