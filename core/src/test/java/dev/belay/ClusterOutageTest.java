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

  /** Two nodes on one bus, a client on each; the bus goes down and node a broadcasts news 1 and 2. */
  private record Outage(InProcessBus bus, Server a, Server b, FakeEngineSocket onA, FakeEngineSocket onB)
      implements AutoCloseable {
    static Outage start(ClusterOutageTest test, boolean recovery) throws Exception {
      InProcessBus bus = new InProcessBus();
      Server a = test.server(bus, "a", recovery);
      Server b = test.server(bus, "b", recovery);
      bus.awaitQuiet();
      Outage outage = new Outage(bus, a, b, client(a), client(b));
      bus.pause();
      a.emit("news", 1);
      a.emit("news", 2);
      return outage;
    }

    @Override
    public void close() {
      a.close();
      b.close();
      bus.close();
    }
  }

  @Test
  void withoutRecoveryLocalClientsGetABroadcastWhileTheLinkIsDown() throws Exception {
    try (Outage outage = Outage.start(this, false)) {
      assertEquals(List.of("2[\"news\",1]", "2[\"news\",2]"), outage.onA().texts(), "at once, on the node itself");
      assertTrue(outage.onB().texts().isEmpty());

      outage.bus().resume();
      assertEquals("2[\"news\",1]", outage.onB().awaitText());
      assertEquals("2[\"news\",2]", outage.onB().awaitText());
    }
  }

  @Test
  void withRecoveryABroadcastWaitsForTheLinkThenReachesEveryoneInOrder() throws Exception {
    try (Outage outage = Outage.start(this, true)) {
      assertTrue(outage.onA().texts().isEmpty(), "no offset yet: " + outage.onA().texts());

      outage.bus().resume();
      for (FakeEngineSocket conn : List.of(outage.onA(), outage.onB())) {
        String first = conn.awaitText();
        String second = conn.awaitText();
        assertTrue(first.matches("2\\[\"news\",1,\"\\d+-0\"]"), first);
        assertTrue(second.matches("2\\[\"news\",2,\"\\d+-0\"]"), second);
      }
    }
  }
}
