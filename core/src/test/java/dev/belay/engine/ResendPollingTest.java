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
 * Resend-safe polling (PROTOCOL.md, "Resend-safe polling and POSTs"), on fake exchanges and a fake
 * clock: a poll answer asked for again is the same bytes with the same number and nothing is lost;
 * a POST sent again is not handled twice; bad numbers are a 400 that closes only that session; a
 * client that sends no numbers sees Engine.IO exactly.
 */
class ResendPollingTest {
  private static final String BAD = "{\"code\":3,\"message\":\"Bad request\"}";
  private FakeScheduler clock;
  private EngineServer server;
  private final List<Object> received = new ArrayList<>();
  private final List<String> closes = new ArrayList<>();

  @BeforeEach
  void start() {
    clock = new FakeScheduler();
    server = new EngineServer(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(25)).pingTimeout(Duration.ofSeconds(20))
        .scheduler(clock).executor(Runnable::run).build());
    server.onConnection(s -> s.onMessage(received::add).onClose((reason, d) -> closes.add(reason.name())));
  }

  @Test
  void aLostPollAnswerIsSentAgainWithItsNumberAndNothingIsLost() {
    String sid = handshake("&belay_ack=0", "1");
    EngineSocket socket = server.socket(sid);

    FakeHttpExchange poll = get(sid, "&belay_ack=1");
    assertNull(poll.body, "held: nothing to send");
    socket.send("a");
    assertEquals("4a", poll.body);
    assertEquals("2", poll.headers.get("X-Belay-Seq"));

    socket.send("b"); // waits for the next poll
    FakeHttpExchange again = get(sid, "&belay_ack=1"); // the answer "4a" never arrived
    assertEquals(200, again.status);
    assertEquals("4a", again.body, "the same answer again, not b");
    assertEquals("2", again.headers.get("X-Belay-Seq"));
    FakeHttpExchange twice = get(sid, "&belay_ack=1"); // lost once more: still the same
    assertEquals("4a", twice.body);

    FakeHttpExchange next = get(sid, "&belay_ack=2");
    assertEquals("4b", next.body);
    assertEquals("3", next.headers.get("X-Belay-Seq"));
    assertTrue(socket.isOpen());
    assertEquals(List.of(), closes);
  }

  @Test
  void aResentAnswerStaysCountedAgainstTheOutboundBytesUntilAcknowledged() {
    String sid = handshake("&belay_ack=0", "1");
    EngineSession session = (EngineSession) server.socket(sid);
    get(sid, "&belay_ack=1");
    session.send("0123456789");
    assertEquals(11, session.queuedBytes(), "in flight: sent, not yet acknowledged");
    get(sid, "&belay_ack=1");
    assertEquals(11, session.queuedBytes(), "asked again: still held for the client");
    FakeHttpExchange ack = get(sid, "&belay_ack=2");
    assertNull(ack.body);
    assertEquals(0, session.queuedBytes(), "acknowledged: released");
  }

  @Test
  void aPostSentAgainIsAnsweredOkAndHandledOnce() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange first = post(sid, "&belay_seq=1", "4x");
    assertEquals("ok", first.body);
    FakeHttpExchange again = post(sid, "&belay_seq=1", "4x");
    assertEquals(200, again.status);
    assertEquals("ok", again.body);
    assertEquals(List.of("x"), received, "handled once");
    assertEquals("ok", post(sid, "&belay_seq=2", "4y").body);
    assertEquals(List.of("x", "y"), received);
    assertTrue(server.socket(sid).isOpen());
  }

  @Test
  void anSsePostSentAgainIsHandledOnce() {
    FakeHttpExchange stream = new FakeHttpExchange("GET", "EIO=4&transport=sse", null).expectStream();
    server.handle(stream);
    String sid = stream.stream.chunk(1).replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    stream.stream.completeAll();
    for (int i = 0; i < 2; i++) {
      FakeHttpExchange post = new FakeHttpExchange("POST", "EIO=4&transport=sse&sid=" + sid + "&belay_seq=1", "4x");
      server.handle(post);
      assertEquals("ok", post.body);
    }
    assertEquals(List.of("x"), received);
    FakeHttpExchange gap = new FakeHttpExchange("POST", "EIO=4&transport=sse&sid=" + sid + "&belay_seq=3", "4z");
    server.handle(gap);
    assertEquals(400, gap.status);
    assertNull(server.socket(sid));
    assertTrue(stream.stream.closed);
  }

  @Test
  void aNumberedPostWhoseBodyWasLostCanBeSentAgain() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange cut = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid + "&belay_seq=1", "4x");
    cut.holdBody = true;
    server.handle(cut);
    cut.failBody(new java.io.IOException("connection reset"));
    assertTrue(server.socket(sid).isOpen(), "nothing of it was handled; the client may send it again");
    assertEquals("ok", post(sid, "&belay_seq=1", "4x").body);
    assertEquals(List.of("x"), received);
  }

  @Test
  void thePostAgainWhileTheFirstIsStillBeingReadWaitsForItAndIsHandledOnce() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange first = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid + "&belay_seq=1", "4x");
    first.holdBody = true;
    server.handle(first);
    FakeHttpExchange again = post(sid, "&belay_seq=1", "4x");
    assertNull(again.body, "waits for the first one");
    assertTrue(server.socket(sid).isOpen());
    first.deliverBody();
    assertEquals("ok", first.body);
    assertEquals("ok", again.body);
    assertEquals(List.of("x"), received);
    assertEquals("ok", post(sid, "&belay_seq=2", "4y").body);
    assertEquals(List.of("x", "y"), received);
  }

  @Test
  void thePostAgainWhileTheFirstIsStillBeingReadIsHandledWhenTheFirstFails() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange first = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid + "&belay_seq=1", "4x");
    first.holdBody = true;
    server.handle(first);
    FakeHttpExchange again = post(sid, "&belay_seq=1", "4x");
    first.failBody(new java.io.IOException("connection reset"));
    assertEquals("ok", again.body);
    assertEquals(List.of("x"), received);
    assertTrue(server.socket(sid).isOpen());
  }

  @Test
  void onlyOneRepeatMayWaitAThirdIsA400() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange first = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid + "&belay_seq=1", "4x");
    first.holdBody = true;
    server.handle(first);
    post(sid, "&belay_seq=1", "4x");
    FakeHttpExchange third = post(sid, "&belay_seq=1", "4x");
    assertEquals(400, third.status, "only one may wait");
    assertNull(server.socket(sid));
  }

  @Test
  void aDroppedNumberedPollLeavesTheSessionForTheSamePollAgain() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange poll = get(sid, "&belay_ack=1");
    poll.abort();
    assertTrue(server.socket(sid).isOpen());
    FakeHttpExchange again = get(sid, "&belay_ack=1");
    server.socket(sid).send("m");
    assertEquals("4m", again.body);
    assertEquals("2", again.headers.get("X-Belay-Seq"));
  }

  @Test
  void theSamePollAgainWhileTheFirstIsPendingReplacesIt() {
    String sid = handshake("&belay_ack=0", "1");
    FakeHttpExchange first = get(sid, "&belay_ack=1");
    FakeHttpExchange second = get(sid, "&belay_ack=1");
    assertEquals(400, first.status, "the connection the client gave up on");
    server.socket(sid).send("m");
    assertEquals("4m", second.body);
    assertTrue(server.socket(sid).isOpen());
  }

  @Test
  void aDroppedNumberedPollOfAClientThatDoesNotPollAgainEndsTheSessionAfterTheGrace() {
    String sid = handshake("&belay_ack=0", "1");
    get(sid, "&belay_ack=1").abort();
    clock.advance(PollingTransport.REPOLL_GRACE.minusMillis(1));
    assertTrue(server.socket(sid).isOpen());
    clock.advance(Duration.ofMillis(1));
    assertNull(server.socket(sid));
    assertEquals(List.of("TRANSPORT_CLOSE"), closes);
  }

  @Test
  void aClientThatPollsAgainWithinTheGraceKeepsItsSession() {
    String sid = handshake("&belay_ack=0", "1");
    get(sid, "&belay_ack=1").abort();
    clock.advance(Duration.ofSeconds(1));
    FakeHttpExchange again = get(sid, "&belay_ack=1");
    clock.advance(Duration.ofSeconds(10));
    assertTrue(server.socket(sid).isOpen());
    server.socket(sid).send("m");
    assertEquals("4m", again.body);
  }

  @Test
  void withoutTheParametersNothingChanges() {
    String sid = handshake("", null);
    EngineSocket socket = server.socket(sid);
    FakeHttpExchange poll = get(sid, "");
    socket.send("a");
    assertEquals("4a", poll.body);
    assertFalse(poll.headers.containsKey("X-Belay-Seq"));
    assertEquals("ok", post(sid, "", "4x").body);
    assertEquals("ok", post(sid, "", "4x").body);
    assertEquals(List.of("x", "x"), received, "an unnumbered POST is handled every time");

    FakeHttpExchange held = get(sid, "");
    FakeHttpExchange second = get(sid, "");
    assertEquals(400, second.status, "a second poll closes the session, as in Engine.IO");
    assertFalse(socket.isOpen());
    assertEquals("1", held.body, "the pending poll gets CLOSE");
  }

  @Test
  void anUnnumberedPollThatIsDroppedClosesTheSessionAsBefore() {
    String sid = handshake("", null);
    get(sid, "").abort();
    assertNull(server.socket(sid));
    assertEquals(List.of("TRANSPORT_CLOSE"), closes);
  }

  @Test
  void badNumbersAreA400ThatClosesOnlyThatSession() {
    String other = handshake("&belay_ack=0", "1");
    for (String bad : List.of("&belay_ack=x", "&belay_ack=-1", "&belay_ack=5", "&belay_ack=0",
        "&belay_ack=", "&belay_ack=99999999999999999999")) {
      String sid = handshake("&belay_ack=0", "1");
      FakeHttpExchange poll = get(sid, "&belay_ack=1");
      server.socket(sid).send("a"); // answer 2
      FakeHttpExchange ack = get(sid, "&belay_ack=2");
      assertNull(ack.body);
      // now answered = 2 and nothing is retained: only 2 is a good belay_ack
      FakeHttpExchange wrong = get(sid, bad);
      assertEquals(400, wrong.status, bad);
      assertEquals("application/json", wrong.headers.get("Content-Type"));
      assertEquals(BAD, wrong.body);
      assertNull(server.socket(sid), bad + ": the session is closed");
      assertEquals("1", ack.body.substring(0, 1), bad + ": the pending poll gets CLOSE");
      assertEquals("4a", poll.body);
    }
    for (String bad : List.of("&belay_seq=x", "&belay_seq=0", "&belay_seq=3", "&belay_seq=-1", "&belay_seq=")) {
      String sid = handshake("&belay_ack=0", "1");
      assertEquals("ok", post(sid, "&belay_seq=1", "4x").body);
      FakeHttpExchange wrong = post(sid, bad, "4y");
      assertEquals(400, wrong.status, bad);
      assertEquals(BAD, wrong.body);
      assertNull(server.socket(sid), bad + ": the session is closed");
    }
    assertTrue(server.socket(other).isOpen(), "other sessions are untouched");
    assertFalse(received.contains("y"));
  }

  @Test
  void aHandshakeCanOnlyAcknowledgeNothing() {
    FakeHttpExchange h = new FakeHttpExchange("GET", "EIO=4&transport=polling&belay_ack=3", null);
    server.handle(h);
    assertEquals(400, h.status);
    assertEquals(BAD, h.body);
    assertEquals(0, server.clientsCount());
  }

  @Test
  void theNumberIsExposedToOtherOrigins() {
    EngineServer cors = new EngineServer(EngineOptions.builder().cors(Cors.anyOrigin())
        .scheduler(clock).executor(Runnable::run).build());
    FakeHttpExchange h = new FakeHttpExchange("GET", "EIO=4&transport=polling&belay_ack=0", null)
        .withHeader("Origin", "https://app.example");
    cors.handle(h);
    assertEquals("1", h.headers.get("X-Belay-Seq"));
    assertEquals("X-Belay-Seq", h.headers.get("Access-Control-Expose-Headers"));
    assertEquals("https://app.example", h.headers.get("Access-Control-Allow-Origin"));
  }

  /** Opens a polling session; checks the open answer's number header (null: none). */
  private String handshake(String extra, String expectedSeq) {
    FakeHttpExchange h = new FakeHttpExchange("GET", "EIO=4&transport=polling" + extra, null);
    server.handle(h);
    assertTrue(h.body.startsWith("0{"), h.body);
    assertEquals(expectedSeq, h.headers.get("X-Belay-Seq"));
    return h.body.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
  }

  private FakeHttpExchange get(String sid, String extra) {
    FakeHttpExchange e = new FakeHttpExchange("GET", "EIO=4&transport=polling&sid=" + sid + extra, null);
    server.handle(e);
    return e;
  }

  private FakeHttpExchange post(String sid, String extra, String body) {
    FakeHttpExchange e = new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid + extra, body);
    server.handle(e);
    return e;
  }
}
