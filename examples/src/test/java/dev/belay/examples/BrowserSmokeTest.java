package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Server;
import dev.belay.engine.Listening;
import dev.belay.testing.Browser;
import org.junit.jupiter.api.Test;

/** The bundled client, as the server serves it, connects from headless Chromium and round-trips an ack. */
class BrowserSmokeTest {

  @Test
  void servedClientConnectsAndGetsAnAck() {
    Server io = new Server();
    io.on("connection", socket -> socket.on("ping", (args, ack) -> ack.send("pong:" + args.get(0))));
    try (Listening http = io.listen("127.0.0.1", 0); Browser browser = Browser.start()) {
      String base = "http://127.0.0.1:" + http.port();
      browser.open(base + "/socket.io/socket.io.js"); // any page of this origin will do
      browser.js("document.open(); document.write('<html><body></body></html>'); document.close();");
      browser.jsAsync("const done = arguments[arguments.length - 1];"
          + "const s = document.createElement('script'); s.src = arguments[0] + '/socket.io/socket.io.js';"
          + "s.onload = () => done(true); s.onerror = () => done(false); document.head.appendChild(s);", base);
      Object reply = browser.jsAsync("const done = arguments[arguments.length - 1];"
          + "const socket = io(arguments[0]); socket.emit('ping', 'hi', (r) => done(r));", base);
      assertEquals("pong:hi", reply);
    } finally {
      io.close();
    }
  }
}
