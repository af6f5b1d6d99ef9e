package dev.belay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.DisconnectReason;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.adapter.RecoveryFailure;
import dev.belay.engine.CloseReason;
import dev.belay.engine.EngineError;
import dev.belay.engine.EngineOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binder alone: each observer event moves the meter it should, with the tags it should. */
class BelayMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private Server server;
  private BelayMetrics metrics;

  @BeforeEach
  void bind() {
    server = new Server(ServerOptions.builder().engine(EngineOptions.builder().build()).build());
    metrics = BelayMetrics.monitor(server, registry, Duration.ofMillis(50));
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void monitorMakesItTheServersAndTheEnginesObserver() {
    assertSame(metrics, server.observer());
    assertSame(metrics, server.engine().observer());
  }

  @Test
  void sessionsPerTransportFollowOpensUpgradesAndCloses() {
    metrics.sessionOpened("polling");
    metrics.sessionOpened("polling");
    metrics.sessionOpened("sse");
    metrics.upgraded("polling", "websocket");
    metrics.sessionClosed("websocket", CloseReason.PING_TIMEOUT);
    metrics.sessionClosed("polling", CloseReason.OUTBOUND_OVERFLOW);
    metrics.upgradeFailed("polling", "websocket");
    assertEquals(0, gauge("belay.sessions", "transport", "polling"));
    assertEquals(0, gauge("belay.sessions", "transport", "websocket"));
    assertEquals(1, gauge("belay.sessions", "transport", "sse"));
    assertEquals(2, count("belay.handshakes", "transport", "polling"));
    assertEquals(1, count("belay.upgrades", "from", "polling", "to", "websocket", "result", "success"));
    assertEquals(1, count("belay.upgrades", "from", "polling", "to", "websocket", "result", "failure"));
    assertEquals(0, count("belay.upgrades", "from", "sse", "to", "websocket", "result", "success"));
    assertEquals(1, count("belay.sessions.closed", "transport", "websocket", "reason", "ping_timeout"));
    assertEquals(1, count("belay.sessions.closed", "transport", "polling", "reason", "outbound_overflow"));
  }

  @Test
  void messagesAndBytesPerTransportAndDirection() {
    metrics.messageReceived("websocket", 6);
    metrics.messageReceived("websocket", 4);
    metrics.messagesSent("sse", 3, 30);
    assertEquals(2, count("belay.messages", "transport", "websocket", "direction", "in"));
    assertEquals(10, count("belay.message.payload", "transport", "websocket", "direction", "in"));
    assertEquals(3, count("belay.messages", "transport", "sse", "direction", "out"));
    assertEquals(30, count("belay.message.payload", "transport", "sse", "direction", "out"));
    assertEquals(0, count("belay.messages", "transport", "polling", "direction", "out"));
  }

  @Test
  void refusalsDisconnectsRecoveriesByReason() {
    metrics.requestRefused(EngineError.DRAINING);
    metrics.requestRefused(EngineError.UNKNOWN_SID);
    metrics.socketConnected();
    metrics.socketDisconnected(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
    metrics.recovered();
    metrics.recoveryFailed(RecoveryFailure.EXPIRED);
    assertEquals(1, count("belay.requests.refused", "reason", "draining"));
    assertEquals(1, count("belay.requests.refused", "reason", "unknown_sid"));
    assertEquals(1, count("belay.sockets.connected"));
    assertEquals(1, count("belay.sockets.disconnected", "reason", "client_namespace_disconnect"));
    assertEquals(1, count("belay.recoveries", "result", "success"));
    assertEquals(1, count("belay.recoveries", "result", "expired"));
  }

  @Test
  void broadcastsAcksAndListeners() {
    metrics.broadcast(10);
    metrics.broadcast(30);
    metrics.ackReceived(TimeUnit.MILLISECONDS.toNanos(20));
    metrics.ackTimedOut();
    metrics.listenersRan(TimeUnit.MILLISECONDS.toNanos(1), false);
    metrics.listenersRan(TimeUnit.MILLISECONDS.toNanos(80), false);
    metrics.listenersRan(TimeUnit.MILLISECONDS.toNanos(60), true);
    assertEquals(2, registry.get("belay.broadcasts").summary().count());
    assertEquals(40, registry.get("belay.broadcasts").summary().totalAmount());
    assertEquals(1, registry.get("belay.ack.latency").timer().count());
    assertEquals(20, registry.get("belay.ack.latency").timer().totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(1, count("belay.ack.timeouts"));
    assertEquals(2, registry.get("belay.listeners").tags("thread", "worker").timer().count());
    assertEquals(1, count("belay.listeners.slow", "thread", "worker"));
    assertEquals(1, count("belay.listeners.slow", "thread", "io"));
  }

  @Test
  void drainingGaugeAndHealth() {
    assertEquals(0, gauge("belay.draining"));
    assertEquals(false, server.health().draining());
    server.drain(Duration.ofSeconds(1));
    assertEquals(1, gauge("belay.draining"));
    assertEquals("{\"status\":\"DRAINING\",\"sessions\":0,\"draining\":true,\"adapterConnected\":true}",
        server.health().toJson());
  }

  @Test
  void recordingOnTheHotPathAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20_000; i++) hotPath(i); // warm up: adders' cells, the JIT
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 200_000; i++) hotPath(i);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for 200,000 rounds of events");
  }

  private void hotPath(int i) {
    metrics.messageReceived("websocket", 20);
    metrics.messagesSent("websocket", 2, 40);
    metrics.messagesSent("polling", 1, 10);
    metrics.broadcast(100);
    metrics.ackReceived(1_000 + i);
    metrics.listenersRan(5_000 + i, false);
    metrics.sessionOpened("sse");
    metrics.sessionClosed("sse", CloseReason.TRANSPORT_CLOSE);
  }
}
