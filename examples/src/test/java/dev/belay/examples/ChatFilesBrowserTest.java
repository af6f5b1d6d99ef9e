package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Server;
import dev.belay.testing.Browser;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * File sharing in the chat, in two headless Chromium profiles: Alice (WebSocket) shares a 5 MB
 * file into the room, both see its progress bar fill and a Download button; Bob (long-polling)
 * downloads it and gets the same bytes (SHA-256 compared in the pages), all with maxPayload at
 * 1 MB. The file goes through the same {@code share} function the drop and the file input use.
 */
class ChatFilesBrowserTest {
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

  private static void enter(Browser browser, ExampleHttp http, String name, String transport) {
    browser.open(http.url() + "?name=" + name + "&room=general&transport=" + transport);
    browser.waitUntil("return document.querySelector('#status')?.textContent === 'online'");
    browser.waitUntil("return document.querySelector('#room-title')?.textContent === '# general'");
  }

  private static final String SHA = "async (blob) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256',"
      + " await blob.arrayBuffer()))).map((b) => b.toString(16).padStart(2, '0')).join('')";

  @Test
  void aFileDroppedIntoTheRoomReachesEveryoneWhole() {
    Server io = new Server();
    new ChatServer(io);
    try (ExampleHttp http = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0)) {
      enter(alice, http, "alice", "websocket");
      enter(bob, http, "bob", "polling");
      alice.js("const n = 5 * 1024 * 1024; const b = new Uint8Array(n);"
          + "for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 11)) & 0xff;"
          + "window.sharedFile = new File([b], 'report.bin', { type: 'application/octet-stream' });"
          + "window.shared = null; chatFiles.share(sharedFile).then(() => window.shared = 'ok', (e) => window.shared = String(e));");
      alice.waitUntil("return window.shared !== null", Duration.ofMinutes(2));
      assertEquals("ok", alice.js("return window.shared"));
      assertEquals("sent", alice.js("return document.querySelector('#messages .file[data-file=up1] .state').textContent"));
      assertEquals(1.0, ((Number) alice.js("return document.querySelector('#messages .file[data-file=up1] progress').value")).doubleValue());

      // Bob sees the file with a full bar and a Download button, and downloads it.
      String bobsEntry = "document.querySelector('#messages .file[data-file=f1]')";
      bob.waitUntil("return " + bobsEntry + "?.querySelector('button')?.textContent === 'Download'", Duration.ofMinutes(1));
      assertEquals("alice", bob.js("return " + bobsEntry + ".querySelector('.from').textContent"));
      assertEquals("📎 report.bin", bob.js("return " + bobsEntry + ".querySelector('.text').textContent"));
      assertEquals(1.0, ((Number) bob.js("return " + bobsEntry + ".querySelector('progress').value")).doubleValue());
      bob.js("window.lastDownload = null; " + bobsEntry + ".querySelector('button').click();");
      bob.waitUntil("return window.lastDownload !== null", Duration.ofMinutes(1));
      assertEquals(5L * 1024 * 1024, ((Number) bob.js("return window.lastDownload.size")).longValue());
      assertEquals("report.bin", bob.js("return window.lastDownload.name"));
      Object expected = alice.jsAsync("const done = arguments[arguments.length - 1]; (" + SHA + ")(sharedFile).then(done);");
      Object got = bob.jsAsync("const done = arguments[arguments.length - 1]; (" + SHA + ")(lastDownload.blob).then(done);");
      assertEquals(expected, got);
    }
  }
}
