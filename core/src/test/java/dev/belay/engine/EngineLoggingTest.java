package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the engine logs on its own, on a fake clock: one line per refused request, per session
 * closed for falling behind and per slow listener, each kind rate limited so that a flood of bad
 * clients stays a few lines (and the line after the flood says how many were left out).
 */
class EngineLoggingTest {
  private final FakeScheduler clock = new FakeScheduler();

  private EngineServer server(EngineOptions.Builder options) {
    return new EngineServer(options.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200))
        .scheduler(clock).executor(Runnable::run).build());
  }

  @Test
  void aFloodOfRefusedHandshakesIsTenLinesAndEveryRequestIsStillAnswered() {
    try (CapturedLog log = new CapturedLog(EngineServer.class.getName())) {
      EngineServer server = server(EngineOptions.builder());
      for (int i = 0; i < 1_000; i++) {
        FakeHttpExchange bad = new FakeHttpExchange("GET", "EIO=3&transport=polling", null);
        server.handle(bad);
        assertEquals(400, bad.status, "request " + i + " answered");
      }
      assertEquals(10, log.lines().size());
      assertEquals("refused GET /socket.io/ (polling) from 127.0.0.1: 400 code 5 Unsupported protocol version"
          + " {protocol=3}", log.lines().get(0));

      clock.advance(Duration.ofSeconds(10));
      server.handle(new FakeHttpExchange("GET", "EIO=4&transport=carrier-pigeon", null));
      assertEquals(11, log.lines().size());
      String after = log.lines().get(10);
      assertTrue(after.startsWith("refused GET /socket.io/ (carrier-pigeon) from 127.0.0.1: 400 code 0 Transport unknown"), after);
      assertTrue(after.endsWith("(990 more like this not logged: at most 10 lines per 10.0 s)"), after);
    }
  }

  @Test
  void aSessionClosedForFallingBehindIsOneLineNamingItAndWhy() {
    try (CapturedLog log = new CapturedLog(EngineSession.class.getName())) {
      EngineServer server = server(EngineOptions.builder().maxOutboundBytes(1000));
      FakeTransport ws = new FakeTransport("websocket", true);
      EngineSession session = new EngineSession(server, server.newSessionId(),
          new FakeHttpExchange("GET", "EIO=4&transport=websocket", null), ws);
      session.lane.execute(() -> session.open(List.of()));
      ws.writable = false;
      session.send("x".repeat(999));
      session.send("y");
      assertEquals(List.of("closed session " + session.id() + " on websocket: its client fell behind, more than 1000"
          + " bytes waiting for the client"), log.lines());
    }
  }

  @Test
  void aListenerHoldingItsWorkerIsLogged() {
    try (CapturedLog log = new CapturedLog(SerialLane.class.getName())) {
      EngineServer server = server(EngineOptions.builder());
      FakeTransport ws = new FakeTransport("websocket", true);
      EngineSession session = new EngineSession(server, server.newSessionId(),
          new FakeHttpExchange("GET", "EIO=4&transport=websocket", null), ws);
      session.onMessage(data -> {
        long end = System.nanoTime() + SerialLane.SLOW_TASK_NANOS + 5_000_000;
        while (System.nanoTime() < end) Thread.onSpinWait();
      });
      session.lane.execute(() -> session.open(List.of()));
      ws.receive(dev.belay.engine.parser.EnginePacket.message("slow"));
      assertEquals(1, log.lines().size(), String.valueOf(log.lines()));
      assertTrue(log.lines().get(0).startsWith("a listener held worker thread "), log.lines().get(0));
    }
  }
}
