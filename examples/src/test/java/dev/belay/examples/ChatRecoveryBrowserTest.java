package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.Browser;
import dev.belay.testing.ChaosProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * A chat tab whose network goes dead for 10 s, in headless Chromium: Alice's tab reaches the
 * server through a {@link ChaosProxy} that is blackholed (connections stay open, no byte passes,
 * as on a dead route), while Bob, connected directly, keeps writing to the room. When the network
 * comes back, Alice's page shows every message she missed exactly once and in order, without a
 * reload: replayed by connection state recovery (same socket, room kept), or, on a server without
 * it, from the room's history that the page reloads when it joins again.
 *
 * <p>The heartbeat is 2 s + 2 s so that both sides notice the dead network quickly; the page's
 * reconnection attempt made during the outage hangs until the client's 20 s connect timeout, so
 * Alice is back about 25 s after the cut.
 */
class ChatRecoveryBrowserTest {
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  /** Noticing the cut, the outage, the hung attempt's 20 s timeout, the backoff, and a loaded machine. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(90);
  private static Browser alice;
  private static Browser bob;

  @BeforeAll
  static void startBrowsers() {
    alice = Browser.start();
    bob = Browser.start();
  }

  @AfterAll
  static void closeBrowsers() {
    for (Browser b : new Browser[] {alice, bob}) if (b != null) b.close();
  }

  @ParameterizedTest(name = "connection state recovery on: {0}")
  @ValueSource(booleans = {true, false})
  void aTabBackFromTenSecondsWithoutNetworkShowsWhatItMissedOnceAndInOrder(boolean recovery)
      throws IOException, InterruptedException {
    ServerOptions.Builder options = ServerOptions.builder()
        .engine(EngineOptions.builder().pingInterval(Duration.ofSeconds(2)).pingTimeout(Duration.ofSeconds(2)).build());
    if (recovery) options.connectionStateRecovery(ConnectionStateRecovery.defaults());
    Server io = new Server(options.build());
    new ChatServer(io);
    try (ExampleHttp http = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0);
        ChaosProxy network = ChaosProxy.faithful(http.port())) {
      enter(alice, "http://127.0.0.1:" + network.port(), "alice");
      enter(bob, "http://127.0.0.1:" + http.port(), "bob");
      alice.waitUntil("return document.querySelectorAll('#online .person').length === 2");
      bob.waitUntil("return document.querySelectorAll('#online .person').length === 2");
      say(bob, "before the cut");
      alice.waitUntil("return " + texts() + ".join('|') === 'before the cut'");
      alice.js("window.sameDocument = true;" // gone if the page reloads
          + "document.querySelector('#messages .message').dataset.kept = 'yes'"); // gone if the list is redrawn
      String aliceId = (String) alice.js("return chatSocket.id");

      network.blackhole();
      long restoreAt = System.nanoTime() + OUTAGE.toNanos();
      // Sent at once (the page's own send, in one script), while the server still counts Alice in
      // the room and writes to her dead connection: these bytes are lost on the way.
      List<String> unnoticed = List.of("while the server thinks she is there 1",
          "while the server thinks she is there 2", "while the server thinks she is there 3");
      bob.js("arguments[0].forEach((text) => send(text))", unnoticed);
      bob.waitUntil("return [...document.querySelectorAll('#messages .message.mine .ticks')].slice(-3)"
          + ".every((t) => t.dataset.state === 'sent')");
      List<String> missed = new ArrayList<>(unnoticed);
      // Both sides notice: Alice's page says so, and the server drops her socket (Bob sees her go).
      alice.waitUntil("return " + textOf("#status") + " === 'reconnecting…'");
      bob.waitUntil("return document.querySelectorAll('#online .person').length === 1");
      for (int i = 1; i <= 3; i++) missed.add(say(bob, "while she is gone " + i));
      // The rest of the outage: the network comes back when its 10 s are up.
      long left = Math.max(0, restoreAt - System.nanoTime());
      CompletableFuture.runAsync(network::restore, CompletableFuture.delayedExecutor(left, TimeUnit.NANOSECONDS)).join();

      alice.waitUntil("return " + textOf("#status") + " === '"
          + (recovery ? "reconnected — caught up" : "reconnected — history reloaded") + "'", BACK_WITHIN);
      List<String> expected = new ArrayList<>(List.of("before the cut"));
      expected.addAll(missed);
      alice.waitUntil("return document.querySelectorAll('#messages .message').length >= " + expected.size());
      // A message sent now arrives after anything replayed: once it is shown, nothing else is coming.
      say(bob, "welcome back");
      expected.add("welcome back");
      alice.waitUntil("return " + texts() + ".includes('welcome back')");
      assertEquals(expected, alice.js("return " + texts()), "Alice's messages, once each and in order");
      assertEquals(true, alice.js("return window.sameDocument === true"), "the page was not reloaded");
      assertEquals(recovery, alice.js("return chatSocket.recovered"));
      if (recovery) {
        assertEquals(aliceId, alice.js("return chatSocket.id"), "a recovered socket keeps its id");
      } else {
        assertNotEquals(aliceId, alice.js("return chatSocket.id"));
      }
      assertEquals("# general", alice.js("return " + textOf("#room-title")));
      assertEquals(recovery ? "yes" : null, alice.js("return document.querySelector('#messages .message').dataset.kept ?? null"),
          recovery ? "a recovered tab keeps its list and only appends" : "a new socket joins again and redraws the room's history");
      if (recovery) {
        // Alice's receipts for what was replayed count: she was in the room when Bob sent it.
        bob.waitUntil("return [...document.querySelectorAll('#messages .message.mine')]"
            + ".filter((m) => m.querySelector('.text').textContent.startsWith('while the server thinks'))"
            + ".map((m) => m.querySelector('.ticks').textContent).join() === '✓✓,✓✓,✓✓'");
      }
      // Alice's page answers receipts again: Bob's latest message gets its second tick.
      bob.waitUntil("return " + lastMessage() + ".querySelector('.ticks').textContent === '✓✓'");
      alice.screenshot(Path.of("target/screenshots/chat-recovery-" + (recovery ? "on" : "off") + ".png"));
    } finally {
      io.close();
    }
  }

  /** Opens the chat in #general as {@code name} and waits until it is online there. */
  private static void enter(Browser browser, String origin, String name) {
    browser.open(origin + "/?name=" + name + "&room=general");
    browser.waitUntil("return " + textOf("#room-title") + " === '# general' && " + textOf("#status") + " === 'online'");
  }

  /** Sends {@code text} with the page's composer and waits until the server has it (one tick). */
  private static String say(Browser browser, String text) {
    browser.driver.findElement(By.id("text")).sendKeys(text, Keys.ENTER);
    browser.waitUntil("return " + lastMessage() + ".querySelector('.text').textContent === '" + text + "'"
        + " && " + lastMessage() + ".querySelector('.ticks').dataset.state !== 'pending'");
    return text;
  }

  private static String texts() {
    return "[...document.querySelectorAll('#messages .message .text')].map(e => e.textContent)";
  }

  private static String textOf(String selector) {
    return "document.querySelector('" + selector + "')?.textContent";
  }

  private static String lastMessage() {
    return "document.querySelector('#messages .message:last-child')";
  }
}
