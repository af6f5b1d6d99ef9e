package dev.belay;

import dev.belay.adapter.RecoveryFailure;
import dev.belay.engine.EngineObserver;

/**
 * What a {@link Server} tells an observer (metrics, for example): the engine's events (sessions,
 * refusals, upgrades, messages) and the event layer's (broadcasts, acknowledgements, listeners,
 * disconnects, recovery). Every method has an empty default.
 *
 * <pre>{@code
 * server.observe(new ServerObserver() {
 *   @Override public void ackTimedOut() { ackTimeouts.increment(); }
 * });
 * }</pre>
 *
 * <p>Contract: as {@link EngineObserver}'s. Methods run on client lanes, emitting threads and
 * adapter threads, on the hot path: quick, non-blocking, never throwing, allocation-free.
 */
public interface ServerObserver extends EngineObserver {
  /** Observes nothing. */
  ServerObserver NONE = new ServerObserver() {};

  /** A broadcast was written to {@code recipients} local clients (one encoding, that many writes). */
  default void broadcast(int recipients) {}

  /** A client answered an acknowledged emit after {@code nanos}. */
  default void ackReceived(long nanos) {}

  /** An acknowledged emit got no answer within its timeout. */
  default void ackTimedOut() {}

  /**
   * The listeners of one incoming event ran for {@code nanos}, on an I/O thread
   * ({@code onIoThread}, with {@code listenersOnIoThread}) or on a worker.
   */
  default void listenersRan(long nanos, boolean onIoThread) {}

  /** A socket joined a namespace. */
  default void socketConnected() {}

  /** A socket left its namespace for {@code reason}. */
  default void socketDisconnected(DisconnectReason reason) {}

  /** A client took back its previous session (connection state recovery). */
  default void recovered() {}

  /** A client asked to recover its previous session and could not, for {@code failure}. */
  default void recoveryFailed(RecoveryFailure failure) {}
}
