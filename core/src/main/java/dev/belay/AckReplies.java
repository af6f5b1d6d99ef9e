package dev.belay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers a recoverable socket gave to its client's acknowledged events, by ack id, so that an
 * event the client sends again after a reconnection (the same ack id, within a recovered session)
 * is answered again instead of being handled twice. Kept for the last {@value #CAPACITY} ack ids;
 * an older repeat is handled again (at-least-once beyond that window).
 *
 * <pre>{@code
 * AckReplies replies = new AckReplies(socket);
 * Object seen = replies.begin(7);   // null: new, run the handler; RUNNING: wait; a List: answer again
 * replies.answered(7, List.of("ok"));
 * }</pre>
 *
 * <p>One object lives as long as the session: it moves from a socket to the socket restored in
 * its place, and {@link #current()} names the socket an answer goes to, so the answer of a handler
 * that finishes after its connection dropped reaches the client's new connection. Thread-safe.
 */
final class AckReplies {
  /** How many answered ack ids are remembered per session. */
  static final int CAPACITY = 32;
  /** Marks an ack id whose handler has not answered yet. */
  static final Object RUNNING = new Object();

  // ack id -> RUNNING or the answer's plain arguments, oldest first; guarded by this.
  private final Map<Long, Object> entries = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
      return size() > CAPACITY;
    }
  };
  // The socket answers go to: the latest restored in the session's place; any thread.
  private volatile Socket current;

  AckReplies(Socket current) {
    this.current = current;
  }

  /**
   * Notes that the event {@code ackId} arrived: null when it is new (the caller handles it),
   * {@link #RUNNING} when its handler has not answered yet, or the answer it gave.
   */
  synchronized Object begin(long ackId) {
    Object seen = entries.get(ackId);
    if (seen == null) entries.put(ackId, RUNNING);
    return seen;
  }

  /** Keeps the answer to {@code ackId}. */
  synchronized void answered(long ackId, List<Object> data) {
    entries.put(ackId, data);
  }

  Socket current() {
    return current;
  }

  /** The socket restored in the session's place now receives the answers. */
  void moveTo(Socket socket) {
    current = socket;
  }
}
