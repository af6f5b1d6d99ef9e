package dev.belay.engine;

import dev.belay.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.parser.EnginePacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The session's bounds on a fake transport and a fake clock: outbound bytes per client and for the
 * whole server (counted until the transport reports them written), the pong deadline counted from
 * when the ping was handed to the transport, and a POST whose session died while its body was on
 * the way.
 */
class SessionBoundsTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final List<String> closes = new ArrayList<>();

  private EngineServer server(EngineOptions.Builder options) {
    return new EngineServer(options.pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200))
        .scheduler(clock).executor(Runnable::run).build());
  }

  private EngineSession open(EngineServer server, FakeTransport transport) {
    EngineSession session = new EngineSession(server, server.newSessionId(),
        new FakeHttpExchange("GET", "EIO=4&transport=" + transport.name(), null), transport);
    session.onClose((reason, description) -> closes.add(reason.name() + ": " + description));
    session.lane.execute(() -> session.open(List.of()));
    return session;
  }

  private static String text(int chars) {
    return "x".repeat(chars - 1); // a text message counts its characters plus the type digit
  }

  @Test
  void bytesCountUntilTheTransportHasWrittenThemAndOverTheLimitTheClientIsClosed() {
    EngineServer server = server(EngineOptions.builder().maxOutboundBytes(1000));
    FakeTransport ws = new FakeTransport("websocket", true);
    EngineSession session = open(server, ws);
    ws.writable = false; // the open packet is being written

    assertTrue(session.send(text(600)));
    assertEquals(600, session.queuedBytes());
    ws.drain(); // handed to the transport: in flight, still counted
    assertEquals(600, session.queuedBytes(), "bytes in the binding's queue count too");
    ws.writable = false;
    assertTrue(session.send(text(400)), "exactly at the limit");
    assertEquals(1000, server.outboundBytes());

    assertFalse(session.send(text(1)), "one byte over");
    assertEquals(List.of("OUTBOUND_OVERFLOW: more than 1000 bytes waiting for the client"), closes);
    assertEquals("transport error", CloseReason.OUTBOUND_OVERFLOW.text());
    assertTrue(ws.overflowed, "the transport is ended without waiting for the queue to drain");
    assertEquals(0, server.outboundBytes(), "the closed session's bytes are given back");
  }

  @Test
  void writtenBytesAreGivenBack() {
    EngineServer server = server(EngineOptions.builder().maxOutboundBytes(1000));
    FakeTransport ws = new FakeTransport("websocket", true);
    EngineSession session = open(server, ws);
    for (int i = 0; i < 20; i++) {
      assertTrue(session.send(text(600)));
      ws.drain(); // written: the next one fits again
    }
    assertEquals(0, session.queuedBytes());
    assertEquals(0, server.outboundBytes());
    assertEquals(List.of(), closes);
  }

  @Test
  void overTheServerBudgetOnlyAClientThatIsBehindIsClosed() {
    EngineServer server = server(EngineOptions.builder().maxOutboundBytes(10_000).maxOutboundBytesTotal(1000));
    FakeTransport slowWire = new FakeTransport("websocket", true);
    EngineSession slow = open(server, slowWire);
    FakeTransport fastWire = new FakeTransport("websocket", true);
    EngineSession fast = open(server, fastWire);

    assertTrue(slow.send(text(900))); // in flight, never written
    assertTrue(fast.send(text(500)), "a client with nothing waiting is served even over the budget");
    fastWire.drain();
    assertEquals(900, server.outboundBytes());
    assertFalse(slow.send(text(200)), "the client that is behind is closed");
    assertTrue(closes.get(0).startsWith("OUTBOUND_OVERFLOW: the server's outbound budget of 1000 bytes is spent"), closes.toString());
    assertTrue(fast.isOpen());
    assertEquals(0, server.outboundBytes());
  }

  @Test
  void thePongDeadlineCountsFromWhenThePingWasHandedToTheTransport() {
    EngineServer server = server(EngineOptions.builder());
    FakeTransport ws = new FakeTransport("websocket", true);
    EngineSession session = open(server, ws);
    ws.drain();
    ws.writable = false; // a big batch is still being written when the ping falls due
    clock.advanceMillis(300);
    assertFalse(ws.sent().contains(EnginePacket.PING), "the ping waits in the buffer");
    clock.advanceMillis(150);
    ws.drain(); // written at 450: the ping goes out now
    assertTrue(ws.sent().contains(EnginePacket.PING));
    clock.advanceMillis(50); // 500: the old deadline (ping due + pingTimeout)
    assertTrue(session.isOpen(), "the client has had 50 of its 200 ms");
    clock.advanceMillis(149);
    assertTrue(session.isOpen());
    clock.advanceMillis(1); // 650 = handed + pingTimeout
    assertFalse(session.isOpen());
    assertEquals(List.of("PING_TIMEOUT: no pong within 200 ms of the ping"), closes);
  }

  @Test
  void aPongWithinTheTimeoutOfALatePingKeepsTheSession() {
    EngineServer server = server(EngineOptions.builder());
    FakeTransport ws = new FakeTransport("websocket", true);
    EngineSession session = open(server, ws);
    ws.drain();
    ws.writable = false;
    clock.advanceMillis(450);
    ws.drain(); // the ping goes out 150 ms late
    clock.advanceMillis(180);
    ws.receive(EnginePacket.PONG);
    clock.advanceMillis(100);
    assertTrue(session.isOpen());
    assertEquals(List.of(), closes);
  }

  @Test
  void aPingThatCannotBeSentClosesTheSessionAtItsDeadline() {
    EngineServer server = server(EngineOptions.builder());
    FakeTransport polling = new FakeTransport("polling", true); // answers the handshake, then no poll comes
    EngineSession session = open(server, polling);
    clock.advanceMillis(499);
    assertTrue(session.isOpen());
    clock.advanceMillis(1);
    assertFalse(session.isOpen());
    assertEquals(List.of("PING_TIMEOUT: the ping could not be sent within 200 ms"), closes);
  }

  @Test
  void aPostWhoseSessionDiedWhileItsBodyWasOnTheWayIsA400SessionIdUnknown() {
    EngineServer server = server(EngineOptions.builder());
    List<Object> received = new ArrayList<>();
    server.onConnection(s -> s.onMessage(received::add));
    FakeHttpExchange handshake = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
    server.handle(handshake);
    String sid = handshake.body.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    FakeHttpExchange post = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid, "4lost");
    post.holdBody = true;
    server.handle(post);

    server.socket(sid).close(CloseReason.TRANSPORT_ERROR); // the session dies meanwhile
    post.deliverBody();

    assertEquals(400, post.status);
    assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", post.body);
    assertEquals(List.of(), received, "nothing in it was handled");
  }
}
