package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POSTs of an upgrade polling -> sse (PROTOCOL.md, "Upgrade polling → sse"), on fake exchanges and
 * a fake clock: a POST for a candidate that has been abandoned (here by upgradeTimeout) while its
 * body was still on the way is answered 400 with the engine's JSON error, its packets are not
 * handled, and the session stays on polling; a POST that arrives after the abandon gets the same.
 */
class SseUpgradePostTest {
  private FakeScheduler clock;
  private EngineServer server;
  private EngineSession session;
  private String sid;
  private final List<Object> received = new ArrayList<>();
  private final List<String> closes = new ArrayList<>();

  @BeforeEach
  void open() {
    clock = new FakeScheduler();
    server = new EngineServer(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(30)).pingTimeout(Duration.ofSeconds(30))
        .upgradeTimeout(Duration.ofMillis(1000)).ssePaddingBytes(0)
        .scheduler(clock).executor(Runnable::run).build());
    server.onConnection(s -> s.onMessage(received::add).onClose((reason, d) -> closes.add(reason.name())));
    FakeHttpExchange handshake = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
    server.handle(handshake);
    sid = handshake.body.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    session = (EngineSession) server.socket(sid);
    assertTrue(handshake.body.contains("\"upgrades\":[\"websocket\",\"sse\"]"), handshake.body);
  }

  @Test
  void aPostHandledAfterItsCandidateWasAbandonedIsA400AndHandlesNothing() {
    FakeHttpExchange stream = probedSseCandidate();
    FakeHttpExchange upgrade = new FakeHttpExchange("POST", "EIO=4&transport=sse&sid=" + sid, "5\u001e4lost?");
    upgrade.holdBody = true; // accepted for the candidate; its body is still on the way
    server.handle(upgrade);
    assertNull(upgrade.body);

    clock.advance(Duration.ofMillis(1000)); // upgradeTimeout: the candidate is abandoned
    assertTrue(stream.stream.closed, "the candidate stream ends");
    assertNull(session.candidateTransport());

    upgrade.deliverBody();
    assertEquals(400, upgrade.status);
    assertEquals("application/json", upgrade.headers.get("Content-Type"));
    assertEquals("{\"code\":3,\"message\":\"Bad request\"}", upgrade.body);
    assertEquals(List.of(), received, "nothing in it was handled");
    assertEquals("polling", session.transport());
    assertTrue(session.isOpen());
    assertEquals(List.of(), closes);

    // polling goes on as before
    FakeHttpExchange post = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid, "4still here");
    server.handle(post);
    assertEquals("ok", post.body);
    assertEquals(List.of("still here"), received);
  }

  @Test
  void aPostArrivingAfterTheAbandonIsA400AndLeavesTheSessionAlone() {
    probedSseCandidate();
    clock.advance(Duration.ofMillis(1000));
    FakeHttpExchange late = new FakeHttpExchange("POST", "EIO=4&transport=sse&sid=" + sid, "5");
    server.handle(late);
    assertEquals(400, late.status);
    assertEquals("{\"code\":3,\"message\":\"Bad request\"}", late.body);
    assertEquals("polling", session.transport());
    assertTrue(session.isOpen());
  }

  @Test
  void theUpgradePacketAfterAnAnsweredProbeSwitchesToSse() {
    FakeHttpExchange stream = probedSseCandidate();
    FakeHttpExchange upgrade = new FakeHttpExchange("POST", "EIO=4&transport=sse&sid=" + sid, "5\u001e4after");
    server.handle(upgrade);
    assertEquals("ok", upgrade.body);
    assertEquals("sse", session.transport());
    assertEquals(List.of("after"), received);
    assertFalse(stream.stream.closed);
  }

  /** GET transport=sse (the candidate stream), then POST 2probe, answered ok and 3probe on the stream. */
  private FakeHttpExchange probedSseCandidate() {
    FakeHttpExchange stream = new FakeHttpExchange("GET", "EIO=4&transport=sse&sid=" + sid, null);
    server.handle(stream);
    assertEquals(200, stream.stream.status);
    assertTrue(session.candidateTransport() instanceof SseTransport);
    FakeHttpExchange probe = new FakeHttpExchange("POST", "EIO=4&transport=sse&sid=" + sid, "2probe");
    server.handle(probe);
    assertEquals("ok", probe.body);
    assertEquals("data: 3probe\n\n", stream.stream.chunks.get(stream.stream.chunks.size() - 1));
    stream.stream.completeAll();
    return stream;
  }
}
