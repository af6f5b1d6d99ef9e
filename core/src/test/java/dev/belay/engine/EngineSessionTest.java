package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EnginePacketType;
import dev.belay.testing.FakeScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session state machine, driven by a fake transport and a fake clock: no network, no waiting. */
class EngineSessionTest {
  private FakeScheduler clock;
  private EngineServer server;
  private FakeTransport polling;
  private EngineSession session;
  private final List<Object> messages = new ArrayList<>();
  private final List<String> closes = new ArrayList<>();
  private final List<String> upgrades = new ArrayList<>();

  @BeforeEach
  void open() {
    clock = new FakeScheduler();
    server = new EngineServer(EngineOptions.builder()
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200))
        .upgradeTimeout(Duration.ofMillis(1000)).maxOutboundPackets(5)
        .scheduler(clock).executor(Runnable::run).build());
    polling = new FakeTransport("polling", true);
    session = new EngineSession(server, "sid1", new StubRequest(), polling);
    session.onMessage(messages::add);
    session.onClose((reason, description) -> closes.add(reason.name()));
    session.onUpgrade(upgrades::add);
    session.lane.execute(() -> session.open(List.of("websocket")));
  }

  @Test
  void firstPacketIsTheHandshakeWithExactlyFiveKeys() {
    EnginePacket open = polling.sent().get(0);
    assertEquals(EnginePacketType.OPEN, open.type());
    JsonObject json = JsonParser.parseString(open.text()).getAsJsonObject();
    assertEquals(Set.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"), json.keySet());
    assertEquals("sid1", json.get("sid").getAsString());
    assertEquals("[\"websocket\"]", json.get("upgrades").toString());
    assertEquals(300, json.get("pingInterval").getAsInt());
    assertEquals(200, json.get("pingTimeout").getAsInt());
    assertEquals(1_000_000, json.get("maxPayload").getAsInt());
  }

  @Test
  void executeRunsOnTheListenerLaneInOrderWithMessagesAndNeverNested() {
    List<String> order = new ArrayList<>();
    session.onMessage(data -> {
      order.add("message " + data);
      session.execute(() -> order.add("after " + data)); // from a listener: after it, not inside it
      order.add("end " + data);
    });
    polling.receive(EnginePacket.message("a"));
    session.execute(() -> order.add("task"));
    assertEquals(List.of("message a", "end a", "after a", "task"), order);
  }

  @Test
  void pingsEveryIntervalWhilePongsCome() {
    for (int i = 0; i < 3; i++) {
      polling.drain();
      clock.advanceMillis(299);
      assertEquals(i, countPings(), "no ping before the interval");
      clock.advanceMillis(1);
      assertEquals(i + 1, countPings());
      clock.advanceMillis(199); // a pong just inside the timeout keeps the session
      polling.receive(EnginePacket.PONG);
    }
    assertTrue(session.isOpen());
    assertEquals(List.of(), closes);
  }

  @Test
  void noPongClosesExactlyAtIntervalPlusTimeout() {
    clock.advanceMillis(499);
    assertTrue(session.isOpen());
    clock.advanceMillis(1);
    assertFalse(session.isOpen());
    assertEquals(List.of("PING_TIMEOUT"), closes);
    assertEquals(List.of(EnginePacket.CLOSE), polling.finalPackets);
    assertFalse(polling.lingered, "a failed session must not linger: its sid is unknown at once");
    assertNull(server.socket("sid1"));
  }

  @Test
  void sendBuffersUntilTheTransportCanTakeItInOrder() {
    polling.writable = false;
    assertTrue(session.send("a"));
    assertTrue(session.send(new byte[] {1}));
    assertTrue(session.sendAll(List.of("b", new byte[] {2})));
    int before = polling.batches.size();
    polling.drain();
    assertEquals(before + 1, polling.batches.size(), "one batch for everything buffered");
    List<EnginePacket> batch = polling.batches.get(polling.batches.size() - 1);
    assertEquals(List.of(EnginePacket.message("a"), EnginePacket.binary(new byte[] {1}), EnginePacket.message("b"),
        EnginePacket.binary(new byte[] {2})), batch);
  }

  @Test
  void overTheOutboundLimitSendReturnsFalseAndTheSessionCloses() {
    polling.writable = false;
    for (int i = 0; i < 5; i++) assertTrue(session.send("m" + i));
    assertFalse(session.send("one too many"));
    assertEquals(List.of("OUTBOUND_OVERFLOW"), closes);
    assertFalse(session.send("after close"));
  }

  @Test
  void messagesReachListenersInOrderWithTheirTypes() {
    polling.receive(EnginePacket.message("one"));
    polling.receive(EnginePacket.binary(new byte[] {9}));
    polling.receive(EnginePacket.message("two"));
    assertEquals("one", messages.get(0));
    assertEquals(9, ((byte[]) messages.get(1))[0]);
    assertEquals("two", messages.get(2));
  }

  @Test
  void clientClosePacketReleasesThePollWithNoopAndClosesOnce() {
    polling.receive(EnginePacket.CLOSE);
    polling.receive(EnginePacket.CLOSE);
    session.close();
    assertEquals(List.of("CLIENT_CLOSE"), closes);
    assertEquals(List.of(EnginePacket.NOOP), polling.finalPackets);
  }

  @Test
  void forcedCloseDeliversWhatIsBufferedThenClose() {
    polling.writable = false;
    session.send("last words");
    session.close();
    assertEquals(List.of(EnginePacket.message("last words"), EnginePacket.CLOSE), polling.finalPackets);
    assertTrue(polling.lingered);
    assertEquals(List.of("FORCED_CLOSE"), closes);
  }

  @Test
  void aLingeringCloseEndsWhenTheClientCollectsItOrAfterThePingTimeout() {
    polling.writable = false;
    polling.holdsAfterClose = true;
    session.close();
    assertEquals(EngineSession.State.CLOSING, session.state());
    clock.advanceMillis(200);
    assertEquals(EngineSession.State.CLOSED, session.state());
  }

  @Test
  void unexpectedPacketTypesAreParseErrors() {
    polling.receive(EnginePacket.of(EnginePacketType.OPEN, "{}"));
    assertEquals(List.of("PARSE_ERROR"), closes);
  }

  @Test
  void upgradeProbesThenSwitchesAndFlushesOnTheNewTransport() {
    FakeTransport ws = new FakeTransport("websocket", true);
    ws.attach(session);
    session.lane.execute(() -> session.beginUpgrade(ws));
    polling.drain(); // a poll is pending while the probe arrives
    polling.batches.clear();
    ws.receive(EnginePacket.PING_PROBE);
    assertEquals(List.of(EnginePacket.PONG_PROBE), ws.sent());
    assertEquals(List.of(EnginePacket.NOOP), polling.sent(), "the pending poll is released with noop");
    session.send("during upgrade");
    ws.receive(EnginePacket.UPGRADE);
    assertEquals("websocket", session.transport());
    assertEquals(List.of("websocket"), upgrades);
    assertEquals(EnginePacket.message("during upgrade"), ws.sent().get(1));
    assertEquals(1L, server.stats().snapshot().upgrades().get("polling->websocket"));
    session.send("after");
    assertEquals(EnginePacket.message("after"), ws.sent().get(2));
  }

  @Test
  void upgradeWithoutProbeIsRefusedAndTheSessionStays() {
    FakeTransport ws = new FakeTransport("websocket", true);
    ws.attach(session);
    session.lane.execute(() -> session.beginUpgrade(ws));
    ws.receive(EnginePacket.UPGRADE);
    assertEquals(List.of(), ws.finalPackets);
    assertEquals("polling", session.transport());
    assertTrue(session.isOpen());
  }

  @Test
  void anUnfinishedUpgradeIsAbandonedAfterTheUpgradeTimeout() {
    FakeTransport ws = new FakeTransport("websocket", true);
    ws.attach(session);
    session.lane.execute(() -> session.beginUpgrade(ws));
    ws.receive(EnginePacket.PING_PROBE);
    polling.drain();
    polling.receive(EnginePacket.PONG);
    clock.advanceMillis(1000);
    assertEquals(List.of(), ws.finalPackets);
    assertEquals("polling", session.transport());
  }

  @Test
  void aSecondCandidateWhileUpgradingIsRefused() {
    FakeTransport ws1 = new FakeTransport("websocket", true);
    FakeTransport ws2 = new FakeTransport("websocket", true);
    ws1.attach(session);
    ws2.attach(session);
    session.lane.execute(() -> session.beginUpgrade(ws1));
    session.lane.execute(() -> session.beginUpgrade(ws2));
    assertEquals(List.of(), ws2.finalPackets);
    assertNull(ws1.finalPackets);
  }

  @Test
  void closingDuringAnUpgradeClosesTheCandidateToo() {
    FakeTransport ws = new FakeTransport("websocket", true);
    ws.attach(session);
    session.lane.execute(() -> session.beginUpgrade(ws));
    session.close();
    assertEquals(List.of(), ws.finalPackets);
    assertEquals(List.of("FORCED_CLOSE"), closes);
  }

  @Test
  void aDroppedTransportClosesTheSessionWithTransportClose() {
    session.lane.execute(() -> session.onTransportClose(polling, CloseReason.TRANSPORT_CLOSE, "gone"));
    assertEquals(List.of("TRANSPORT_CLOSE"), closes);
    assertEquals(List.of(), polling.finalPackets);
  }

  @Test
  void pingsStopAfterClose() {
    session.close();
    int pings = countPings();
    clock.advanceMillis(5_000);
    assertEquals(pings, countPings());
  }

  private int countPings() {
    return (int) polling.sent().stream().filter(p -> p.equals(EnginePacket.PING)).count();
  }

  private static final class StubRequest implements TransportRequest {
    @Override public String method() { return "GET"; }
    @Override public String path() { return "/socket.io/"; }
    @Override public String url() { return "/socket.io/?EIO=4&transport=polling"; }
    @Override public String query(String name) { return null; }
    @Override public Map<String, List<String>> queryParameters() { return Map.of(); }
    @Override public String header(String name) { return null; }
    @Override public Map<String, List<String>> headers() { return Map.of(); }
    @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 1); }
    @Override public boolean secure() { return false; }
  }
}
