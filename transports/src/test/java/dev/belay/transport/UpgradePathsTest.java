package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every upgrade path with the probe (PROTOCOL.md): a numbered stream flows in both directions
 * while the session switches, and both sides receive every number once, in order. Pings flow
 * across the switch too.
 */
class UpgradePathsTest {
  private static final int N = 400;
  private TestEngine fixture;
  private EngineClient client;

  @AfterEach
  void tearDown() {
    if (client != null) client.close();
    if (fixture != null) fixture.close();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"polling, sse", "polling, websocket", "sse, websocket"})
  void aNumberedStreamBothWaysCrossesTheUpgradeIntact(String from, String to) throws Exception {
    fixture = TestEngine.start(EngineOptions.builder()
        .pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(5000)));
    fixture.echo = false;
    client = EngineClient.open(fixture.base(), from);
    assertTrue(client.handshake().getAsJsonArray("upgrades").toString().contains("\"" + to + "\""));
    EngineSocket server = fixture.socket(client.sid());
    EngineClient c = client;

    CompletableFuture<Void> serverSending = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < N; i++) {
        assertTrue(server.send("s" + i));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // pacing, so that the switch falls mid-stream
      }
    });
    CompletableFuture<Void> clientSending = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < N; i++) {
        c.send("c" + i);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    });

    List<EngineClient.Received> got = new ArrayList<>();
    for (int i = 0; i < N / 8; i++) got.add(c.nextMessage());
    c.upgrade(to);
    for (int i = N / 8; i < N; i++) {
      if (c.closed().isDone()) throw new AssertionError("client closed: " + c.closed().join() + "; server: " + fixture.awaitClose(c.sid()));
      got.add(c.nextMessage());
    }
    serverSending.get(10, TimeUnit.SECONDS);
    clientSending.get(10, TimeUnit.SECONDS);

    for (int i = 0; i < N; i++) assertEquals("s" + i, got.get(i).text(), "server -> client, message " + i);
    for (int i = 0; i < N; i++) assertEquals("c" + i, fixture.nextReceived(c.sid()), "client -> server, message " + i);

    long downOld = got.stream().filter(r -> r.via().equals(from)).count();
    long downNew = got.stream().filter(r -> r.via().equals(to)).count();
    assertTrue(downOld > 0 && downNew > 0, "both transports carried messages down: " + downOld + "/" + downNew);
    assertTrue(c.sentVia(from) > 0 && c.sentVia(to) > 0,
        "both transports carried messages up: " + c.sentVia(from) + "/" + c.sentVia(to));
    assertEquals(to, server.transport());
    assertEquals(1L, fixture.engine.stats().snapshot().upgrades().get(from + "->" + to));
    c.awaitPings(2); // the heartbeat goes on over the new transport
    assertTrue(server.isOpen());
  }
}
