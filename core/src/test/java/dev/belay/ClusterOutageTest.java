package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.adapter.ClusterAdapterOptions;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a node's own clients see while the link between nodes is down: without recovery a
 * broadcast reaches them at once and the other nodes' clients when the link is back; with
 * recovery (every node must stamp the offset the link returns) it waits for the link, and then
 * reaches everyone in order.
 */
class ClusterOutageTest {
  private final FakeScheduler clock = new FakeScheduler();

  private Server server(InProcessBus bus, String name, boolean recovery) {
    return new Server(ServerOptions.builder()
        .adapter(bus.factory(name, ClusterAdapterOptions.defaults()))
        .connectionStateRecovery(recovery ? ConnectionStateRecovery.defaults() : null)
        .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build())
        .build());
  }

  private static FakeEngineSocket client(Server server) {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    conn.receive("0");
    conn.clearSent();
    return conn;
  }

  @Test
  void withoutRecoveryLocalClientsGetABroadcastWhileTheLinkIsDown() throws Exception {
    try (InProcessBus bus = new InProcessBus()) {
      Server a = server(bus, "a", false);
      Server b = server(bus, "b", false);
      bus.awaitQuiet();
      FakeEngineSocket onA = client(a);
      FakeEngineSocket onB = client(b);

      bus.pause();
      a.emit("news", 1);
      a.emit("news", 2);
      assertEquals(List.of("2[\"news\",1]", "2[\"news\",2]"), onA.texts(), "at once, on the node itself");
      assertTrue(onB.texts().isEmpty());

      bus.resume();
      assertEquals("2[\"news\",1]", onB.awaitText());
      assertEquals("2[\"news\",2]", onB.awaitText());
      a.close();
      b.close();
    }
  }

  @Test
  void withRecoveryABroadcastWaitsForTheLinkThenReachesEveryoneInOrder() throws Exception {
    try (InProcessBus bus = new InProcessBus()) {
      Server a = server(bus, "a", true);
      Server b = server(bus, "b", true);
      bus.awaitQuiet();
      FakeEngineSocket onA = client(a);
      FakeEngineSocket onB = client(b);

      bus.pause();
      a.emit("news", 1);
      a.emit("news", 2);
      assertTrue(onA.texts().isEmpty(), "no offset yet: " + onA.texts());

      bus.resume();
      for (FakeEngineSocket conn : List.of(onA, onB)) {
        String first = conn.awaitText();
        String second = conn.awaitText();
        assertTrue(first.matches("2\\[\"news\",1,\"\\d+-0\"]"), first);
        assertTrue(second.matches("2\\[\"news\",2,\"\\d+-0\"]"), second);
      }
      a.close();
      b.close();
    }
  }
}
