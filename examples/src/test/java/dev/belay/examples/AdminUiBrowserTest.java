package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.admin.AdminUiOptions;
import dev.belay.testing.Browser;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The Socket.IO Admin UI, the one published on npm (the build copies its {@code ui/dist}), served
 * by the chat at {@code /admin-ui/} and connected to the chat's {@code /admin} namespace in
 * headless Chromium: it refuses a wrong password, logs in with the right one, lists the sockets of
 * three chat tabs on three transports with their transports named, and disconnects one, whose tab
 * then says it was disconnected. Leaves a screenshot in {@code target/screenshots/admin-ui.png}.
 */
class AdminUiBrowserTest {
  private static final String PASSWORD = "correct horse";
  /** How the UI names each transport (it shows unknown names, such as Belay's sse, as they are). */
  private static final Map<String, String> LABELS = Map.of(
      "websocket", "WebSocket", "polling", "HTTP long-polling", "sse", "sse");

  private static Browser chat;
  private static Browser admin;

  @BeforeAll
  static void startBrowsers() {
    chat = Browser.start();
    admin = Browser.start();
  }

  @AfterAll
  static void closeBrowsers() {
    for (Browser b : new Browser[] {chat, admin}) if (b != null) b.close();
  }

  @Test
  void theAdminUiLogsInSeesThreeTransportsAndDisconnectsAClient() {
    assertTrue(AdminUiPages.uiBundled(), "the build did not put @socket.io/admin-ui's ui/dist in the class path (npm missing?)");
    Server io = new Server();
    new ChatServer(io);
    AdminUiPages.install(io, PASSWORD, false, AdminUiOptions.Mode.DEVELOPMENT);
    try (ExampleHttp http = ExampleHttp.start(io,
        AdminUiPages.withUi(new StaticResources(ChatServer.PAGES, ResponseCodeHandler.HANDLE_404)), "127.0.0.1", 0, null)) {
      // Three people, one tab each, each on its own transport: transport -> [tab, socket id].
      Map<String, String[]> tabs = new LinkedHashMap<>();
      for (String transport : LABELS.keySet().stream().sorted().toList()) {
        if (!tabs.isEmpty()) chat.driver.switchTo().newWindow(WindowType.TAB);
        chat.open(http.url() + "?name=" + transport + "-user&room=general&transport=" + transport);
        chat.waitUntil("return document.querySelector('#status')?.textContent === 'online'");
        chat.waitUntil("return document.querySelector('#me-transport')?.textContent === '" + transport + "'");
        tabs.put(transport, new String[] {chat.driver.getWindowHandle(), (String) chat.js("return window.chatSocket.id")});
      }

      admin.open(http.url() + "admin-ui/");
      logIn(http.url(), "wrong password");
      admin.waitUntil("return document.body.innerText.includes('Invalid credentials')");
      logIn(http.url(), PASSWORD);
      admin.waitUntil("return !document.querySelector('.v-dialog--active') && !document.querySelector('.v-overlay--active')");

      openSockets();
      for (Map.Entry<String, String[]> tab : tabs.entrySet()) {
        admin.waitUntil("return [...document.querySelectorAll('tbody tr')].some(tr => tr.innerText.includes('"
            + tab.getValue()[1] + "') && tr.querySelector('.v-chip')?.innerText.trim() === '" + LABELS.get(tab.getKey()) + "')");
      }
      admin.waitUntil("return document.querySelector('.v-data-footer__pagination')?.innerText.trim() === '1-3 of 3'");
      admin.screenshot(Path.of("target", "screenshots", "admin-ui.png"));
      // The icons come from the jar too (the UI's page links them from a CDN; the build points it here).
      assertEquals(true, admin.jsAsync("document.fonts.load('24px \"Material Design Icons\"')"
          + ".then(f => arguments[0](f.length > 0), () => arguments[0](false))"));

      // Development mode: the events a socket receives and sends are listed as they happen.
      chat.driver.switchTo().window(tabs.get("sse")[0]);
      chat.driver.findElement(By.id("text")).sendKeys("hello from sse", Keys.ENTER);
      openPage("Events");
      String received = "[...document.querySelectorAll('tbody tr')].find(tr => tr.innerText.includes('"
          + tabs.get("sse")[1] + "') && tr.innerText.includes('message') && tr.querySelector('button'))";
      admin.waitUntil("return !!" + received);
      admin.js("return " + received + ".querySelector('button').click()"); // shows the event's arguments
      admin.waitUntil("return document.querySelector('tbody').innerText.includes('hello from sse')");
      admin.screenshot(Path.of("target", "screenshots", "admin-ui-events.png"));
      openSockets();
      // Once the page transition is over: only the Sockets table is left.
      admin.waitUntil("return document.querySelectorAll('.v-data-table').length === 1"
          + " && document.querySelector('.v-data-footer__pagination')?.innerText.trim() === '1-3 of 3'");

      // Disconnect the WebSocket tab from the UI: its row's disconnect button.
      String[] victim = tabs.get("websocket");
      WebElement row = admin.driver.findElement(By.xpath("//tbody/tr[contains(., '" + victim[1] + "')]"));
      row.findElement(By.cssSelector("button")).click();
      chat.driver.switchTo().window(victim[0]);
      chat.waitUntil("return document.querySelector('#status')?.textContent === 'disconnected by the server'");
      // The click also opens the socket's page (the row's own click), which shows it disconnected.
      admin.waitUntil("return location.hash.includes('" + victim[1] + "')"
          + " && [...document.querySelectorAll('.v-chip')].some(c => c.innerText.trim().toLowerCase() === 'disconnected')");
      openSockets();
      admin.waitUntil("return document.querySelector('.v-data-footer__pagination')?.innerText.trim() === '1-2 of 2'");
      openPage("Dashboard");
      admin.waitUntil("return document.querySelectorAll('canvas').length >= 3");
      admin.screenshot(Path.of("target", "screenshots", "admin-ui-dashboard.png"));
      assertEquals(false, admin.js("return document.querySelector('tbody').innerText.includes('" + victim[1] + "')"));

      assertEquals(false, chat.js("return window.chatSocket.connected"));
      chat.driver.switchTo().window(tabs.get("sse")[0]);
      chat.waitUntil("return document.querySelector('#status')?.textContent === 'online'");
    }
  }

  /** Goes to the UI's Sockets page through its navigation drawer. */
  private static void openSockets() {
    openPage("Sockets");
    admin.waitUntil("return location.hash.startsWith('#/sockets')");
  }

  private static void openPage(String title) {
    admin.driver.findElement(By.xpath("//a[contains(@class,'v-list-item') and normalize-space()='" + title + "']")).click();
  }

  /** Fills the UI's connection form (server URL, user, password) and submits it. */
  private static void logIn(String serverUrl, String password) {
    admin.waitUntil("return !!document.querySelector('.v-dialog--active input')");
    fill("Server URL", serverUrl.replaceAll("/$", ""));
    fill("Username", AdminUiPages.USERNAME);
    WebElement field = fill("Password", password);
    field.sendKeys(Keys.ENTER);
  }

  private static WebElement fill(String label, String value) {
    WebElement input = admin.driver.findElement(
        By.xpath("//div[contains(@class,'v-dialog--active')]//label[normalize-space()='" + label + "']/following-sibling::input"));
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    input.sendKeys(value);
    return input;
  }
}
