package dev.belay;

import dev.belay.engine.Cancellable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An emit of a socket waiting for its client's acknowledgement: completed once, by the answer,
 * its timeout or the socket's disconnection, whichever comes first.
 *
 * <pre>{@code
 * PendingAck pending = new PendingAck(callback);
 * pending.timer = scheduler.schedule(() -> pending.complete(new AckTimeoutException("..."), null), timeout);
 * pending.complete(null, answer);   // the callback runs once; the timer is cancelled
 * }</pre>
 */
final class PendingAck {
  private static final System.Logger LOG = System.getLogger(PendingAck.class.getName());

  private final AckCallback callback;
  // Told how long the answer took, or that none came; final.
  private final ServerObserver observer;
  // When the emit was sent (System.nanoTime), or 0 when nobody observes; final.
  private final long sentAt;
  // Set by the registering thread after scheduling; read by whoever completes.
  volatile Cancellable timer;
  // Set once by whoever completes first (the ack on the lane, a timeout, a disconnect).
  private final AtomicBoolean done = new AtomicBoolean();

  PendingAck(AckCallback callback) {
    this(callback, ServerObserver.NONE);
  }

  PendingAck(AckCallback callback, ServerObserver observer) {
    this.callback = callback;
    this.observer = observer;
    this.sentAt = observer == ServerObserver.NONE ? 0 : System.nanoTime();
  }

  /** Calls the callback with {@code error} or {@code args}, the first time only, and stops the timer. */
  void complete(Throwable error, List<Object> args) {
    if (!done.compareAndSet(false, true)) return;
    Cancellable t = timer;
    if (t != null) t.cancel();
    if (sentAt != 0) {
      if (error == null) observer.ackReceived(System.nanoTime() - sentAt);
      else if (error instanceof AckTimeoutException) observer.ackTimedOut();
    }
    try {
      callback.onAck(error, args);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.ERROR, "ack callback failed", e);
    }
  }
}
