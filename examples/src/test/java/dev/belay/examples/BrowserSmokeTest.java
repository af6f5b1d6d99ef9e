package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Server;
import dev.belay.binding.Listening;
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
      browser.loadServedClient(base);
      Object reply = browser.jsAsync("const done = arguments[arguments.length - 1];"
          + "const socket = io(arguments[0]); socket.emit('ping', 'hi', (r) => done(r));", base);
      assertEquals("pong:hi", reply);
    } finally {
      io.close();
    }
  }
}
