package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** drain(): handshakes refused with 503 at once, sessions closed one by one over the spread, on a fake clock. */
class EngineDrainTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final EngineServer server = new EngineServer(EngineOptions.builder().scheduler(clock)
      .executor(Runnable::run).pingInterval(Duration.ofSeconds(60)).pingTimeout(Duration.ofSeconds(60)).build());

  private String handshake() {
    FakeHttpExchange open = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
    server.handle(open);
    assertEquals(200, open.status, open.body);
    return open.body.substring(open.body.indexOf("\"sid\":\"") + 7, open.body.indexOf("\",\""));
  }

  @Test
  void handshakesGet503AndSessionsCloseSpreadOverTheDurationWithAServerShutdownClose() {
    List<Long> closedAt = new ArrayList<>();
    List<CloseReason> reasons = new ArrayList<>();
    server.onConnection(s -> s.onClose((reason, d) -> {
      closedAt.add(clock.nowMillis());
      reasons.add(reason);
    }));
    for (int i = 0; i < 10; i++) handshake();
    assertEquals(10, server.clientsCount());

    CompletableFuture<Void> drained = server.drain(Duration.ofSeconds(10));
    assertTrue(server.draining());
    assertSame(drained, server.drain(Duration.ofSeconds(1)), "a second call returns the same drain");
    FakeHttpExchange refused = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
    server.handle(refused);
    assertEquals(503, refused.status);
    assertEquals("{\"code\":4,\"message\":\"Server draining\"}", refused.body);

    for (int second = 1; second <= 10; second++) {
      clock.advanceMillis(1000);
      // one slot of a second per session: exactly one closes in each second
      assertEquals(second, closedAt.size(), "closes by second " + second + ": " + closedAt);
      assertEquals(second < 10, !drained.isDone());
    }
    assertTrue(drained.isDone());
    assertEquals(0, server.clientsCount());
    assertTrue(reasons.stream().allMatch(r -> r == CloseReason.SERVER_SHUTTING_DOWN), reasons.toString());
  }

  @Test
  void aPollOfADrainedSessionCollectsTheCloseAndANewHandshakeIsStillRefused() {
    String sid = handshake();
    server.drain(Duration.ZERO);
    FakeHttpExchange poll = new FakeHttpExchange("GET", "EIO=4&transport=polling&sid=" + sid, null);
    server.handle(poll);
    assertEquals(200, poll.status);
    assertTrue(poll.body.endsWith("1"), "the session's last answer is a CLOSE packet: " + poll.body);
    FakeHttpExchange ws = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
    server.handle(ws);
    assertEquals(503, ws.status);
  }

  @Test
  void drainingAnEmptyServerCompletesAtOnce() {
    assertTrue(server.drain(Duration.ofSeconds(30)).isDone());
    assertFalse(server.clientsCount() > 0);
  }
}
