package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.parser.EnginePacket;
import dev.belay.testing.FakeScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sse transport inside a session, on a fake HTTP exchange and a fake clock: what goes on the
 * stream and when, one batch in flight, the pause marker of an upgrade away, and the drop rules.
 */
class SseSessionTest {
  private FakeScheduler clock;
  private EngineServer server;
  private FakeHttpExchange exchange;
  private EngineSession session;
  private final List<String> closes = new ArrayList<>();

  @BeforeEach
  void open() {
    clock = new FakeScheduler();
    server = new EngineServer(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(30)).pingTimeout(Duration.ofSeconds(30))
        .upgradeTimeout(Duration.ofMillis(1000)).ssePaddingBytes(8)
        .scheduler(clock).executor(Runnable::run).build());
    server.onConnection(s -> s.onClose((reason, description) -> closes.add(reason.name())));
    exchange = new FakeHttpExchange("GET", "EIO=4&transport=sse", null).expectStream();
    server.handle(exchange);
    String sid = exchange.stream.chunk(1).replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    session = (EngineSession) server.socket(sid);
    exchange.stream.completeAll();
  }

  @Test
  void theStreamStartsWithTheHeadersThePaddingAndTheOpenEvent() {
    assertEquals(200, exchange.stream.status);
    assertEquals("text/event-stream", exchange.stream.headers.get("Content-Type"));
    assertEquals("no-cache, no-transform", exchange.stream.headers.get("Cache-Control"));
    assertEquals("no", exchange.stream.headers.get("X-Accel-Buffering"));
    assertEquals(":      \n", exchange.stream.chunk(0));
    assertTrue(exchange.stream.chunk(1).startsWith("data: 0{\"sid\":\"" + session.id() + "\",\"upgrades\":[\"websocket\"]"));
    assertTrue(exchange.stream.chunk(1).endsWith("}\n\n"));
    assertEquals("sse", session.transport());
  }

  @Test
  void oneBatchIsInFlightAndTheRestWaitsInTheSession() {
    session.send("a");
    assertEquals("data: 4a\n\n", exchange.stream.chunk(2));
    assertFalse(session.isWritable());
    session.send("b");
    session.send("c\nd");
    assertEquals(3, exchange.stream.chunks.size(), "nothing more until the write is done");
    exchange.stream.completeAll();
    assertEquals("data: 4b\n\ndata: 4c\ndata: d\n\n", exchange.stream.chunk(3));
    exchange.stream.completeAll();
    assertTrue(session.isWritable());
  }

  @Test
  void aProbedUpgradePausesTheStreamAfterAMarkerAndAnAbandonResumesIt() {
    FakeTransport ws = probe();
    assertEquals(List.of(EnginePacket.PONG_PROBE), ws.sent());
    assertEquals("data: 6\n\n", exchange.stream.lastChunk());
    assertFalse(session.isWritable());
    int before = exchange.stream.chunks.size();
    session.send("held");
    assertEquals(before, exchange.stream.chunks.size(), "held while paused");
    clock.advance(Duration.ofMillis(1000)); // upgradeTimeout: the candidate is abandoned
    assertEquals(List.of(), ws.finalPackets);
    assertEquals("data: 4held\n\n", exchange.stream.lastChunk());
    assertEquals("sse", session.transport());
  }

  @Test
  void theUpgradePacketMovesWhatWaitedToTheNewTransportAndEndsTheStream() {
    FakeTransport ws = probe();
    session.send("held");
    ws.receive(EnginePacket.UPGRADE);
    assertEquals("websocket", session.transport());
    assertEquals(EnginePacket.message("held"), ws.sent().get(1));
    assertEquals("data: 6\n\n", exchange.stream.lastChunk(), "one more noop before the end");
    assertTrue(exchange.stream.closed);
    assertEquals(1L, server.stats().snapshot().upgrades().get("sse->websocket"));
  }

  @Test
  void aStreamDroppedAfterItsMarkerWaitsForTheUpgradePacket() {
    FakeTransport ws = probe();
    exchange.abort();
    assertTrue(session.isOpen());
    ws.receive(EnginePacket.UPGRADE);
    assertEquals("websocket", session.transport());
    assertTrue(session.isOpen());
    assertEquals(List.of(), closes);
  }

  @Test
  void aStreamDroppedAfterItsMarkerClosesTheSessionIfTheUpgradeIsAbandoned() {
    probe();
    exchange.abort();
    assertTrue(session.isOpen());
    clock.advance(Duration.ofMillis(1000));
    assertFalse(session.isOpen());
    assertEquals(List.of("TRANSPORT_CLOSE"), closes);
  }

  @Test
  void aDroppedStreamClosesTheSessionWithTransportClose() {
    exchange.abort();
    assertFalse(session.isOpen());
    assertEquals(List.of("TRANSPORT_CLOSE"), closes);
    assertTrue(server.socket(session.id()) == null);
  }

  @Test
  void aFailedWriteClosesTheSessionWithTransportClose() {
    session.send("x");
    exchange.stream.failAll(new IOException("broken pipe"));
    assertFalse(session.isOpen());
    assertEquals(List.of("TRANSPORT_CLOSE"), closes);
  }

  @Test
  void aServerCloseWritesTheBufferAndCloseThenEndsTheStream() {
    session.send("in flight");
    session.send("queued");
    session.close();
    assertTrue(exchange.stream.lastChunk().endsWith("data: 4queued\n\ndata: 1\n\n"));
    assertTrue(exchange.stream.closed);
    assertEquals(List.of("FORCED_CLOSE"), closes);
  }

  /** A WebSocket candidate that has answered the probe. */
  private FakeTransport probe() {
    FakeTransport ws = new FakeTransport("websocket", true);
    session.lane.execute(() -> session.beginUpgrade(ws));
    ws.receive(EnginePacket.PING_PROBE);
    exchange.stream.completeAll();
    return ws;
  }
}
