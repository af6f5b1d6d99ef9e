package dev.belay.adapter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.belay.ConnectionStateRecovery;
import dev.belay.engine.EngineScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory store of connection state recovery for one namespace on one server: the sessions
 * of sockets that disconnected unexpectedly, and the last packets broadcast, each under its
 * offset, to replay to a client that comes back. Bounded twice: a session lives at most
 * maxDisconnectionDuration (Caffeine, on the server's clock), and at most maxStoredPackets packets
 * are kept (the oldest go first; so are packets older than maxDisconnectionDuration).
 *
 * <pre>{@code
 * SessionStore store = new SessionStore(ConnectionStateRecovery.defaults(), scheduler);
 * store.append("42", List.of("news", "hi", "42"), options);     // offset last, as sent
 * store.persist(new SessionToPersist(sid, pid, rooms, data));
 * RestoreResult result = store.restore(pid, "41");              // "news" is missed
 * }</pre>
 *
 * <p>Threading: thread-safe. The packet log is guarded by {@code this}; sessions live in a Caffeine
 * cache whose maintenance runs on the calling thread.
 */
public final class SessionStore {
  private final long maxDisconnectionMillis;
  private final int maxStoredPackets;
  private final EngineScheduler clock;
  // pid -> session. Kept twice maxDisconnectionDuration, so that a client a little late is told
  // EXPIRED rather than UNKNOWN; restore checks the age itself. Thread-safe.
  private final Cache<String, PersistedSession> sessions;
  // Stored packets, oldest first, sequence numbers increasing; guarded by this.
  private final ArrayDeque<StoredPacket> packets = new ArrayDeque<>();
  // offset -> sequence number of the stored packet; guarded by this.
  private final Map<String, Long> sequenceByOffset = new HashMap<>();
  // Sequence number of the next appended packet; guarded by this.
  private long nextSequence;
  // When the cap last pushed a packet out (clock millis), or Long.MIN_VALUE; guarded by this.
  private long lastCapEvictionAt = Long.MIN_VALUE;

  private record StoredPacket(long sequence, String offset, long emittedAt, List<Object> data, BroadcastOptions opts) {}

  private record PersistedSession(SessionToPersist session, long disconnectedAt) {}

  public SessionStore(ConnectionStateRecovery options, EngineScheduler clock) {
    this.maxDisconnectionMillis = options.maxDisconnectionDuration().toMillis();
    this.maxStoredPackets = options.maxStoredPackets();
    this.clock = clock;
    this.sessions = Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.nowMillis()))
        .executor(Runnable::run)
        .expireAfterWrite(Duration.ofMillis(Math.multiplyExact(maxDisconnectionMillis, 2)))
        .build();
  }

  /**
   * Stores a broadcast packet's event data ({@code offset} already appended as its last argument)
   * with the options it was broadcast with. Call in the order the packets are delivered.
   */
  public synchronized void append(String offset, List<Object> data, BroadcastOptions opts) {
    long now = clock.nowMillis();
    dropOlderThan(now - maxDisconnectionMillis);
    while (packets.size() >= maxStoredPackets) {
      sequenceByOffset.remove(packets.removeFirst().offset());
      lastCapEvictionAt = now;
    }
    long sequence = nextSequence++;
    packets.addLast(new StoredPacket(sequence, offset, now, Collections.unmodifiableList(new ArrayList<>(data)), opts));
    sequenceByOffset.put(offset, sequence);
  }

  /** Keeps {@code session} for at most maxDisconnectionDuration; a second one under the same pid replaces it. */
  public void persist(SessionToPersist session) {
    sessions.put(session.pid(), new PersistedSession(session, clock.nowMillis()));
  }

  /**
   * Takes the session {@code pid} stood for (it cannot be restored twice) with every stored packet
   * after {@code offset} that its rooms would have received, in order; or says why not. A null
   * offset (the client got nothing yet) stands for the session's resume point: unknown fails,
   * {@code ""} is older than every stored packet. An offset that is no longer stored counts as
   * older than every stored packet, unless the cap dropped packets within maxDisconnectionDuration
   * of the disconnection ({@link RecoveryFailure#TOO_MANY_MISSED_PACKETS}).
   */
  public RestoreResult restore(String pid, String offset) {
    PersistedSession persisted = pid == null ? null : sessions.asMap().remove(pid);
    if (persisted == null) return RestoreResult.failed(RecoveryFailure.UNKNOWN);
    long now = clock.nowMillis();
    if (now - persisted.disconnectedAt() > maxDisconnectionMillis) return RestoreResult.failed(RecoveryFailure.EXPIRED);
    SessionToPersist session = persisted.session();
    String after = offset != null ? offset : session.resumePoint();
    if (after == null) return RestoreResult.failed(RecoveryFailure.UNKNOWN);
    List<List<Object>> missed = new ArrayList<>();
    synchronized (this) {
      dropOlderThan(now - maxDisconnectionMillis);
      Long known = sequenceByOffset.get(after);
      long afterSequence;
      if (known != null) {
        afterSequence = known;
      } else if (lastCapEvictionAt >= persisted.disconnectedAt() - maxDisconnectionMillis) {
        // The offset is not stored and the cap pushed packets out around the client's absence:
        // some it missed may be gone.
        return RestoreResult.failed(RecoveryFailure.TOO_MANY_MISSED_PACKETS);
      } else {
        // From the start, or an offset older than every packet kept: only age has dropped packets
        // since, and those are older than the disconnection, so every stored packet counts as missed.
        afterSequence = Long.MIN_VALUE;
      }
      for (StoredPacket packet : packets) {
        if (packet.sequence() > afterSequence && packet.opts().matches(session.rooms())) missed.add(packet.data());
      }
    }
    return RestoreResult.restored(
        new Session(session.sid(), session.pid(), session.rooms(), session.data(), missed, session.resumePoint()));
  }

  /** The offset of the newest stored packet, or {@code ""} when none is stored. */
  public synchronized String lastOffset() {
    return packets.isEmpty() ? "" : packets.peekLast().offset();
  }

  /** How many packets are stored now (at most maxStoredPackets). */
  public synchronized int storedPackets() {
    return packets.size();
  }

  /** How many disconnected sessions are kept now (expired ones may linger until the next access). */
  public long storedSessions() {
    sessions.cleanUp();
    return sessions.estimatedSize();
  }

  /** Drops packets emitted before {@code threshold}; caller holds the lock. */
  private void dropOlderThan(long threshold) {
    Iterator<StoredPacket> it = packets.iterator();
    while (it.hasNext()) {
      StoredPacket packet = it.next();
      if (packet.emittedAt() >= threshold) return;
      it.remove();
      sequenceByOffset.remove(packet.offset());
    }
  }
}
