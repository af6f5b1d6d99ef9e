package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.Await;
import dev.belay.testing.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that blocks one socket delays neither that session's heartbeats nor other sockets:
 * user code runs on the client's lane (worker threads), never on an I/O or timer thread.
 */
class SlowHandlerTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final SioServer server = SioServer.start(
      // Pings every 300 ms; a pong may take up to 2 s (the test thread answers, on a loaded machine).
      engine -> engine.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(2000)),
      options -> { },
      io -> io.on("connection", socket -> {
        socket.on("slow", (args, ack) -> {
          slowStarted.countDown();
          release.await(); // blocks this client's lane until the test lets go
          ack.send("slow-done");
        });
        socket.on("fast", (args, ack) -> ack.send("fast-done"));
      }));

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  private RawWebSocket connect() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    assertTrue(ws.nextText().startsWith("0{"), "engine handshake");
    ws.sendText("40");
    assertTrue(((String) ws.nextSkippingPings()).startsWith("40{\"sid\":"), "namespace handshake");
    return ws;
  }

  @Test
  void slowHandlerDelaysNeitherPingsNorOtherSockets() {
    RawWebSocket slow = connect();
    slow.sendText("420[\"slow\"]");
    Await.latch(slowStarted, "the slow handler to start");

    // Another client is served at once.
    RawWebSocket fast = connect();
    fast.sendText("421[\"fast\"]");
    assertEquals("431[\"fast-done\"]", fast.nextSkippingPings());
    fast.close();

    // Heartbeats of the blocked session go on: answer nine pings (more than pingInterval + pingTimeout).
    for (int pings = 0; pings < 9; pings++) {
      assertEquals("2", slow.next(), "only pings while the handler is blocked");
      slow.sendText("3");
    }

    // Still blocked, and a newcomer is still served at once.
    RawWebSocket later = connect();
    later.sendText("422[\"fast\"]");
    assertEquals("432[\"fast-done\"]", later.nextSkippingPings());
    later.close();

    assertFalse(slow.closed.isDone(), "the blocked session is still open");
    release.countDown();
    assertEquals("430[\"slow-done\"]", slow.nextSkippingPings());
    slow.close();
  }
}
