package dev.belay.engine;

import dev.belay.binding.IoThread;
import dev.belay.engine.parser.EnginePacket;
import java.util.List;

/**
 * One way of carrying a session's packets: long-polling, WebSocket or SSE. Small on purpose: the
 * session owns buffering, flush, heartbeat and upgrade; a transport only moves packets and reports
 * what happened ({@link EngineSession#onPacket}, {@link EngineSession#onDrain},
 * {@link EngineSession#onTransportClose}).
 *
 * <p>Threading: {@link #send} and {@link #close} run on the session's engine lane; a transport
 * hops back onto that lane before calling the session.
 */
abstract class Transport {
  /** The session carried; set once, before the transport is used. */
  private EngineSession session;

  /** The wire name: {@code polling}, {@code websocket}, {@code sse}. */
  abstract String name();

  /** Whether {@link #send} would put packets on the wire now. May be read from any thread. */
  abstract boolean writable();

  /** Sends packets; called only when {@link #writable()}. Calls onDrain when writable again. */
  abstract void send(List<EnginePacket> packets);

  /**
   * Ends the transport after delivering {@code finalPackets} where it can (a CLOSE or NOOP packet,
   * and for a graceful close what was still buffered). With {@code linger}, a transport that cannot
   * deliver them now (a poll with no request pending) keeps them for the client's next request.
   * Idempotent.
   */
  abstract void close(List<EnginePacket> finalPackets, boolean linger);

  /**
   * Whether {@link #close} left packets waiting for the client to collect (a poll with no request
   * pending); the session then lingers until {@link EngineSession#onTransportFinished} or a timeout.
   */
  boolean holdsFinalPackets() {
    return false;
  }

  /**
   * Lane. An upgrade candidate answered the probe: let the client pause this transport. Polling
   * answers a pending GET with NOOP when nothing is buffered; SSE writes its NOOP marker and holds
   * further packets until the switch.
   */
  void onProbed(boolean nothingBuffered) {
    if (writable() && nothingBuffered) send(List.of(EnginePacket.NOOP));
  }

  /**
   * Lane. The session closed because the client did not take its packets fast enough: end the
   * transport without waiting for what is still queued to reach the client.
   */
  void overflowed(String description) {
    close(List.of(EnginePacket.CLOSE), false);
  }

  /** Lane. An upgrade moved the session to another transport: end this one quietly. */
  void closeReplaced() {
    close(List.of(EnginePacket.NOOP), false);
  }

  /** Lane. The upgrade this transport was paused for (see {@link #onProbed}) was abandoned. */
  void onUpgradeAbandoned() {}

  /** The I/O thread that owns this transport's connection, or null when it has none (HTTP requests come on any). */
  IoThread ioThread() {
    return null;
  }

  final void attach(EngineSession session) {
    this.session = session;
  }

  final EngineSession session() {
    return session;
  }
}
