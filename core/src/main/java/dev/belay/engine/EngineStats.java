package dev.belay.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of an {@link EngineServer}: sessions per transport right now, upgrades by path, and
 * packets moved. Cheap to update (striped adders); {@link #snapshot()} is for admin pages.
 *
 * <pre>{@code
 * EngineStats.Snapshot s = engine.stats().snapshot();
 * s.sessionsByTransport().get("websocket");   // e.g. 42
 * s.upgrades().get("polling->websocket");     // e.g. 40
 * }</pre>
 */
public final class EngineStats {
  /** Thread-safe adders; keys are transport names and "from->to" paths. */
  private final Map<String, LongAdder> upgrades = new ConcurrentHashMap<>();
  private final LongAdder handshakes = new LongAdder();
  private final LongAdder packetsSent = new LongAdder();
  private final LongAdder messagesReceived = new LongAdder();
  private final EngineServer server;

  EngineStats(EngineServer server) {
    this.server = server;
  }

  /**
   * A consistent-enough copy of the counters.
   *
   * @param sessionsByTransport open sessions on each transport
   * @param upgrades completed upgrades, keyed {@code "polling->websocket"}
   * @param handshakes sessions opened since start
   * @param packetsSent Engine.IO packets written to clients
   * @param messagesReceived messages received from clients
   */
  public record Snapshot(Map<String, Integer> sessionsByTransport, Map<String, Long> upgrades,
      long handshakes, long packetsSent, long messagesReceived) {}

  public Snapshot snapshot() {
    Map<String, Integer> byTransport = new TreeMap<>();
    for (String t : server.options().transports()) byTransport.put(t, 0);
    server.forEachOpenSession(s -> byTransport.merge(s.transport(), 1, Integer::sum));
    Map<String, Long> ups = new TreeMap<>();
    upgrades.forEach((k, v) -> ups.put(k, v.sum()));
    return new Snapshot(byTransport, ups, handshakes.sum(), packetsSent.sum(), messagesReceived.sum());
  }

  /** Bytes of messages waiting for all clients together: buffered in sessions or in flight in the binding. */
  public long outboundBytes() {
    return server.outboundBytes();
  }

  void upgraded(String from, String to) {
    upgrades.computeIfAbsent(from + "->" + to, k -> new LongAdder()).increment();
  }

  void opened() {
    handshakes.increment();
  }

  void sent(int packets) {
    packetsSent.add(packets);
  }

  void received() {
    messagesReceived.increment();
  }
}
