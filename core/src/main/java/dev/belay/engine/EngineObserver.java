package dev.belay.engine;

/**
 * What an {@link EngineServer} tells an observer (metrics, for example), as it happens. Every
 * method has an empty default, so an observer implements only what it counts.
 *
 * <pre>{@code
 * engine.observe(new EngineObserver() {
 *   @Override public void sessionClosed(String transport, CloseReason reason) {
 *     if (reason == CloseReason.PING_TIMEOUT) pingTimeouts.increment();
 *   }
 * });
 * }</pre>
 *
 * <p>Contract: methods are called on I/O threads and engine lanes, on the hot path (per message,
 * per flush); they must be quick, must not block, must not throw and should not allocate.
 * Transport names are the wire names ({@code "websocket"}, {@code "sse"}, {@code "polling"}),
 * always one of the same few String instances.
 */
public interface EngineObserver {
  /** Observes nothing: the observer of a server nobody watches. */
  EngineObserver NONE = new EngineObserver() {};

  /** A handshake was accepted: a session opened on {@code transport}. */
  default void sessionOpened(String transport) {}

  /** A session began closing, on {@code transport} (its transport at that moment), for {@code reason}. */
  default void sessionClosed(String transport, CloseReason reason) {}

  /**
   * A request was refused before it reached a session: a handshake (bad transport, protocol,
   * method, origin, {@code allowRequest}, the server draining) or a request with an unknown sid.
   */
  default void requestRefused(EngineError error) {}

  /** A session moved from transport {@code from} to {@code to}. */
  default void upgraded(String from, String to) {}

  /** An upgrade from {@code from} to {@code to} was abandoned (no probe, a bad packet, a timeout): the session stays on {@code from}. */
  default void upgradeFailed(String from, String to) {}

  /** A message arrived on {@code transport}: {@code size} bytes if binary, characters + 1 if text. */
  default void messageReceived(String transport, long size) {}

  /** {@code messages} messages of {@code size} bytes together (measured as on receipt) were handed to {@code transport}. */
  default void messagesSent(String transport, int messages, long size) {}
}
