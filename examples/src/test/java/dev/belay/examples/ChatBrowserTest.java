package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.belay.Server;
import dev.belay.testing.Browser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The chat page in three headless Chromium profiles (three people): what each of them sees on
 * the screen, over each transport.
 */
class ChatBrowserTest {
  private static Browser alice;
  private static Browser bob;
  private static Browser carol;

  @BeforeAll
  static void startBrowsers() {
    alice = Browser.start();
    bob = Browser.start();
    carol = Browser.start();
  }

  @AfterAll
  static void closeBrowsers() {
    for (Browser b : new Browser[] {alice, bob, carol}) if (b != null) b.close();
  }

  /** Each transport, forced through the page's {@code transport} parameter. */
  static List<String> transports() {
    return List.of("websocket", "sse", "polling");
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("transports")
  void twoPeopleChatInARoomWhileSomeoneInAnotherRoomSeesNothing(String transport) {
    Server io = new Server();
    new ChatServer(io);
    try (ExampleHttp http = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0)) {
      enter(alice, http, "alice", "general", transport);
      enter(bob, http, "bob", "general", transport);
      enter(carol, http, "carol", "random", transport);

      // Who is online, where, on which transport; how many people each room has.
      for (Browser b : new Browser[] {alice, bob, carol}) {
        b.waitUntil("return document.querySelectorAll('#online .person').length === 3");
        for (String name : List.of("alice", "bob", "carol")) {
          b.waitUntil("return " + textOf("#online .person[data-name=" + name + "] .badge") + " === '" + transport + "'");
        }
        b.waitUntil("return " + textOf("#rooms .room[data-room=general] .members") + " === '2'");
        b.waitUntil("return " + textOf("#rooms .room[data-room=random] .members") + " === '1'");
      }
      assertEquals("# general", alice.js("return " + textOf("#online .person[data-name=bob] .where")));

      // Alice types: Bob sees it.
      alice.driver.findElement(By.id("text")).sendKeys("hello bob");
      bob.waitUntil("return " + textOf("#typing") + " === 'alice is typing…'");

      // Alice sends: Bob gets the message, Alice gets one tick, then two once Bob has it.
      alice.driver.findElement(By.id("text")).sendKeys(Keys.ENTER);
      bob.waitUntil("return " + lastMessage() + "?.querySelector('.text').textContent === 'hello bob'"
          + " && " + lastMessage() + ".querySelector('.from').textContent === 'alice'");
      bob.waitUntil("return " + textOf("#typing") + " === ''");
      alice.waitUntil("return " + lastMessage() + ".querySelector('.ticks').textContent === '✓✓'");

      // Bob answers with the Send button.
      bob.driver.findElement(By.id("text")).sendKeys("hi alice!");
      bob.driver.findElement(By.id("send")).click();
      alice.waitUntil("return " + lastMessage() + "?.querySelector('.text').textContent === 'hi alice!'");
      bob.waitUntil("return " + lastMessage() + ".querySelector('.ticks').textContent === '✓✓'");
      alice.screenshot(Path.of("target/screenshots/chat-" + transport + ".png"));

      // Carol, in #random, saw none of it. Her own message's tick comes back on her connection
      // after anything the server could have sent her about #general, so checking then is enough.
      carol.driver.findElement(By.id("text")).sendKeys("anyone here?", Keys.ENTER);
      carol.waitUntil("return " + lastMessage() + ".querySelector('.ticks').dataset.state === 'sent'");
      assertEquals(List.of("anyone here?"), carol.js("return [...document.querySelectorAll('#messages .text')].map(e => e.textContent)"));
      assertEquals("", carol.js("return " + textOf("#typing")));
      assertEquals("", alice.js("return " + textOf("#typing")));
    } finally {
      io.close();
    }
  }

  @Test
  void someoneWhoJoinsLateSeesTheLastFiftyMessagesOfTheRoomAndCanLeaveIt() {
    Server io = new Server();
    new ChatServer(io);
    try (ExampleHttp http = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0)) {
      enter(alice, http, "alice", "general", null);
      for (int i = 1; i <= 55; i++) alice.js("chatSocket.emit('message', 'message ' + arguments[0])", i);
      // The page's own Send shows when the 55 before it are stored (one connection, in order).
      alice.driver.findElement(By.id("text")).sendKeys("the latest", Keys.ENTER);
      alice.waitUntil("return " + lastMessage() + ".querySelector('.ticks').dataset.state === 'sent'");

      // Carol comes without a name in the address: the page asks for one.
      carol.open(http.url() + "?room=random");
      carol.waitUntil("return !document.getElementById('login').hidden");
      carol.driver.findElement(By.id("login-name")).sendKeys("carol", Keys.ENTER);
      carol.waitUntil("return " + textOf("#room-title") + " === '# random' && " + textOf("#me-name") + " === 'carol'");
      alice.waitUntil("return " + textOf("#online .person[data-name=carol] .where") + " === '# random'");
      carol.driver.findElement(By.cssSelector("#rooms .room[data-room=general]")).click();
      carol.waitUntil("return " + textOf("#room-title") + " === '# general'");
      carol.waitUntil("return document.querySelectorAll('#messages .message').length === 50");
      @SuppressWarnings("unchecked")
      List<String> texts = (List<String>) carol.js("return [...document.querySelectorAll('#messages .text')].map(e => e.textContent)");
      assertEquals("message 7", texts.get(0));
      assertEquals("message 55", texts.get(48));
      assertEquals("the latest", texts.get(49));
      assertEquals("alice", carol.js("return " + lastMessage() + ".querySelector('.from').textContent"));
      assertFalse((Boolean) carol.js("return " + lastMessage() + ".classList.contains('mine')"));
      // The room list counts Carol in #general now.
      alice.waitUntil("return " + textOf("#rooms .room[data-room=general] .members") + " === '2'");
      alice.waitUntil("return " + textOf("#rooms .room[data-room=random] .members") + " === '0'");

      // Carol leaves: she is in no room, and the count drops.
      carol.driver.findElement(By.id("leave")).click();
      carol.waitUntil("return " + textOf("#room-title") + " === 'No room'"
          + " && document.querySelectorAll('#messages .message').length === 0");
      alice.waitUntil("return " + textOf("#rooms .room[data-room=general] .members") + " === '1'"
          + " && " + textOf("#online .person[data-name=carol] .where") + " === 'no room'");
    } finally {
      io.close();
    }
  }

  @Test
  void aParticipantsTransportChangesLiveWhenTheirConnectionUpgrades() {
    Server io = new Server();
    new ChatServer(io);
    try (ExampleHttp http = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0)) {
      enter(alice, http, "alice", "general", null);
      enter(bob, http, "bob", "general", null);
      alice.waitUntil("return " + textOf("#online .person[data-name=bob] .badge") + " === 'websocket'");
      // Bob's client remembers polling as the transport that worked here (as after a proxy
      // blocked WebSocket): it starts there next time, then upgrades when the server offers it.
      bob.js("localStorage.setItem('belay.transport:' + location.origin + '/socket.io/',"
          + " JSON.stringify({ winner: 'polling', until: Date.now() + 3600000, silent: {} }))");
      alice.js("document.querySelector('#online .person[data-name=bob]').dataset.before = 'reload'");
      bob.driver.navigate().refresh();
      bob.waitUntil("return " + textOf("#status") + " === 'online' && " + textOf("#me-transport") + " === 'websocket'");
      // Alice's list follows, with a fresh entry for Bob's new connection (whether the upgrade
      // finished before his join was announced, or after and the server's upgrade hook told her).
      alice.waitUntil("return " + textOf("#online .person[data-name=bob]:not([data-before]) .badge") + " === 'websocket'"
          + " && document.querySelectorAll('#online .person').length === 2");
      assertEquals(1L, io.engine().stats().snapshot().upgrades().getOrDefault("polling->websocket", 0L));
    } finally {
      io.close();
    }
  }

  /** Opens the chat as {@code name} in {@code room} and waits until the room is shown. */
  private static void enter(Browser browser, ExampleHttp http, String name, String room, String transport) {
    browser.open(http.url() + "?name=" + name + "&room=" + room + (transport == null ? "" : "&transport=" + transport));
    browser.waitUntil("return " + textOf("#room-title") + " === '# " + room + "'");
    browser.waitUntil("return " + textOf("#status") + " === 'online'");
    if (transport != null) browser.waitUntil("return " + textOf("#me-transport") + " === '" + transport + "'");
  }

  private static String textOf(String selector) {
    return "document.querySelector('" + selector + "')?.textContent";
  }

  private static String lastMessage() {
    return "document.querySelector('#messages .message:last-child')";
  }
}
