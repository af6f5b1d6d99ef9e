package dev.belay.stream;

import java.time.Duration;

/**
 * What a socket's transfers need from the socket: sending an event straight to its client (not
 * through the adapter: chunks are never kept for replay, a transfer resends them itself), the JSON
 * mapper, and a timer. Implemented by the socket layer; not for applications.
 */
public interface StreamLink {
  /** Sends {@code [event, args...]} (plain values, {@code byte[]} as binary) if connected; false otherwise. */
  boolean send(Object... eventAndArgs);

  /** Converts application metadata into plain values. */
  Object toPlain(Object value);

  /** Converts plain metadata into {@code type}. */
  <T> T fromPlain(Object plain, Class<T> type);

  /** Runs {@code task} on a worker after {@code delay}; the returned handle cancels it. */
  Runnable schedule(Runnable task, Duration delay);

  /** Runs {@code task} on a worker thread. */
  void execute(Runnable task);

  /** The most bytes one Engine.IO POST may carry (maxPayload). */
  int maxPayload();
}
