package dev.belay;

import dev.belay.engine.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emits of one socket waiting for their client's acknowledgement, by ack id: each is completed
 * once, by the answer, its timeout or the socket's disconnection, whichever comes first. The map
 * is created on the first ack expected: most sockets never wait for one.
 *
 * <pre>{@code
 * acks.register(7, callback, Duration.ofSeconds(5));  // times out on the client's lane
 * acks.answer(7, List.of("ok"));                      // the callback runs once; the timer stops
 * acks.failAll("socket disconnected: transport close");
 * }</pre>
 */
final class PendingAcks {
  private final Client client;
  // ack id -> waiting emit; created on first use under this object's monitor, null until then.
  // Emits add from any thread, the lane or a timer removes (first remover wins).
  private volatile Map<Long, PendingAck> pending;

  PendingAcks(Client client) {
    this.client = client;
  }

  /** Waits for {@code ackId}'s answer for at most {@code timeout}; the timeout fails it on the lane. */
  void register(long ackId, AckCallback callback, Duration timeout) {
    PendingAck waiting = new PendingAck(callback, client.server().observer());
    Map<Long, PendingAck> acks = map();
    acks.put(ackId, waiting);
    Cancellable timer = client.server().scheduler().schedule(
        () -> client.server().workers().execute(() -> client.runOnLane(() ->
            fail(ackId, new AckTimeoutException("no acknowledgement within " + timeout.toMillis() + " ms")))),
        timeout);
    waiting.timer = timer;
    // The ack may have been answered (or failed) before the timer was stored.
    if (!acks.containsKey(ackId)) timer.cancel();
  }

  /** Registers a broadcast's ack id, whose timeout the broadcast owns. */
  void expect(long ackId, AckCallback callback) {
    map().put(ackId, new PendingAck(callback, client.server().observer()));
  }

  /** Drops {@code ackId} without calling back. */
  void forget(long ackId) {
    remove(ackId);
  }

  /** Completes {@code ackId} with the client's answer; a late or unknown id is ignored. */
  void answer(Long ackId, List<Object> args) {
    PendingAck waiting = remove(ackId);
    if (waiting != null) waiting.complete(null, args);
  }

  void fail(long ackId, Throwable error) {
    PendingAck waiting = remove(ackId);
    if (waiting != null) waiting.complete(error, null);
  }

  /** Fails every waiting emit with {@code why}. */
  void failAll(String why) {
    Map<Long, PendingAck> acks = pending;
    if (acks == null) return;
    for (Long ackId : new ArrayList<>(acks.keySet())) fail(ackId, new IllegalStateException(why));
  }

  private Map<Long, PendingAck> map() {
    Map<Long, PendingAck> m = pending;
    if (m != null) return m;
    synchronized (this) {
      if (pending == null) pending = new ConcurrentHashMap<>();
      return pending;
    }
  }

  private PendingAck remove(Long ackId) {
    Map<Long, PendingAck> m = pending;
    return m == null ? null : m.remove(ackId);
  }
}
