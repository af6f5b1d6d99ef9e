package dev.belay;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.adapter.ClusterAdapterOptions;
import dev.belay.adapter.RestoreResult;
import dev.belay.adapter.SessionToPersist;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * With connection state recovery on, what a client sees: every event sent to it (its own emits and
 * broadcasts) carries an offset as its last argument, except acknowledged and volatile ones; the
 * adapter can restore what it missed; in a cluster every node stamps the same offset.
 */
class RecoveryEmitPathTest {
  private final FakeScheduler clock = new FakeScheduler();

  private Server server(dev.belay.adapter.AdapterFactory adapter) {
    ServerOptions.Builder options = ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)));
    if (adapter != null) options.adapter(adapter);
    return new Server(options.engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build()).build());
  }

  private static Socket join(Server server, FakeEngineSocket conn) {
    AtomicReference<Socket> joined = new AtomicReference<>();
    server.onConnection(joined::set);
    server.attach(conn);
    conn.receive("0");
    conn.clearSent();
    return joined.get();
  }

  @Test
  void ownEmitsAndBroadcastsCarryAnOffsetAckedAndVolatileOnesDoNot() {
    Server server = server(null);
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(server, conn);

    socket.emit("welcome", Map.of("id", socket.id()));
    server.emit("news", "hi");
    socket.emitWithAck("question");
    socket.asVolatile().emit("position", 1);

    List<String> texts = conn.texts();
    assertTrue(texts.get(0).matches("2\\[\"welcome\",\\{\"id\":\"[^\"]+\"},\"[0-9a-f]{12}-0\"]"), texts.get(0));
    assertTrue(texts.get(1).matches("2\\[\"news\",\"hi\",\"[0-9a-f]{12}-1\"]"), texts.get(1));
    assertEquals("20[\"question\"]", texts.get(2));
    assertEquals("2[\"position\",1]", texts.get(3));
  }

  @Test
  void theAdapterRestoresWhatADisconnectedSocketMissed() throws Exception {
    Server server = server(null);
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(server, conn);
    socket.join("room");
    server.to("room").emit("seen", 1);
    String text = conn.lastText();
    String offset = text.substring(text.lastIndexOf(",\"") + 2, text.length() - 2);
    server.sockets().adapter().persistSession(
        new SessionToPersist(socket.id(), "secret-pid", List.copyOf(socket.rooms()), Map.of("name", "ada")));
    conn.close();
    server.to("room").emit("missed", 2);
    server.to("other").emit("not-for-it", 3);

    RestoreResult result = server.sockets().adapter().restoreSession("secret-pid", offset).get(5, TimeUnit.SECONDS);

    assertTrue(result.restored(), String.valueOf(result.failure()));
    assertEquals(socket.id(), result.session().sid());
    assertEquals(1, result.session().missedPackets().size());
    List<Object> missed = result.session().missedPackets().get(0);
    assertEquals(List.of("missed", 2L), List.of(missed.get(0), ((Number) missed.get(1)).longValue()));
    assertEquals(3, missed.size(), "offset last");
  }

  @Test
  void everyNodeOfAClusterStampsTheOffsetThePublishReturned() throws Exception {
    try (InProcessBus bus = new InProcessBus()) {
      Server a = server(bus.factory("a", ClusterAdapterOptions.defaults()));
      bus.awaitQuiet();
      Server b = server(bus.factory("b", ClusterAdapterOptions.defaults()));
      bus.awaitQuiet();
      FakeEngineSocket onA = new FakeEngineSocket();
      FakeEngineSocket onB = new FakeEngineSocket();
      join(a, onA);
      join(b, onB);
      a.emit("tick", 1);
      String fromB = onB.awaitText();
      String fromA = onA.awaitText();
      assertEquals(fromA, fromB);
      assertTrue(fromA.matches("2\\[\"tick\",1,\"\\d+-0\"]"), fromA);
      a.close();
      b.close();
    }
  }
}
