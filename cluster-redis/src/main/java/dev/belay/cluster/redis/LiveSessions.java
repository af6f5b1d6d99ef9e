package dev.belay.cluster.redis;

import dev.belay.adapter.LocalNamespace;
import dev.belay.adapter.LocalSocket;
import dev.belay.adapter.SessionToPersist;
import dev.belay.engine.Cancellable;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the session of every live socket of one namespace of this node in Redis, in the key and
 * encoding of a disconnected one ({@code sio:session:<pid>}, {@link RedisSessionStore}), so that
 * a client whose node dies without a word ({@code kill -9}) recovers on another node, Belay or
 * Node. A socket's record is written shortly after it connects and after each change of its rooms
 * (a burst of joins coalesces into one write), rewritten by a periodic refresh before it expires,
 * and deleted when the socket leaves; on an unexpected disconnect the adapter's normal persist
 * then replaces it. The data in a record is as of the socket's last room change.
 *
 * <pre>{@code
 * LiveSessions live = new LiveSessions(namespace, transport.commands(), options, recovery.maxDisconnectionDuration());
 * live.changed(socketId);   // after addAll / del
 * live.left(socketId);      // in delAll, before a possible persistSession
 * }</pre>
 *
 * <p>Ordering: every command goes through the one shared Lettuce connection, which sends commands
 * in the order they are issued. A record's writes and its deletion are issued under the record's
 * lock, and {@link #left} issues the deletion before it returns, so the socket layer's
 * {@code delAll} then {@code persistSession} reaches Redis as delete, then persist.
 *
 * <p>Threading: thread-safe. {@link #changed} and {@link #left} are called from any thread; writes
 * and refreshes start on the namespace's scheduler (a refresh's later batches go on from Lettuce's
 * threads) and only issue asynchronous commands.
 */
final class LiveSessions {
  private static final System.Logger LOG = System.getLogger(LiveSessions.class.getName());
  /** How long room changes are gathered before a socket's record is written. */
  static final Duration COALESCE = Duration.ofMillis(50);
  /** Records rewritten per round trip by the refresh. */
  static final int REFRESH_BATCH = 500;
  /**
   * Deletes the key only while it holds what this node wrote: another node that restored the
   * session (the client came back there while its old connection still looked open here) owns it.
   */
  private static final String DELETE_IF_OURS =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  private final LocalNamespace namespace;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final String keyPrefix;
  private final Duration refreshInterval;
  private final long ttlMillis;
  // socket id -> its record; any thread. An entry is removed by left() or when its socket is gone.
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  // The next refresh; guarded by this.
  private Cancellable refreshTimer;
  // Set once by close; any thread.
  private volatile boolean closed;

  /** One socket's record. */
  private static final class Entry {
    final String socketId;
    // The key and the value last sent to Redis, null before the first write; guarded by this entry.
    String key;
    byte[] written;
    // Whether a write is scheduled; guarded by this entry.
    boolean scheduled;
    // Whether the socket changed since its last write (one skipped while Redis was away); guarded by this entry.
    boolean dirty;
    // Set once when the socket left; guarded by this entry.
    boolean gone;

    Entry(String socketId) {
      this.socketId = socketId;
    }
  }

  /**
   * Records live {@code maxDisconnection} plus one refresh interval ({@code maxDisconnection / 3}),
   * so that a client whose node died just before a refresh still has the whole window to come back.
   */
  LiveSessions(LocalNamespace namespace, StatefulRedisConnection<String, byte[]> connection, RedisStreamsOptions options,
      Duration maxDisconnection) {
    this.namespace = namespace;
    this.connection = connection;
    this.keyPrefix = options.sessionKeyPrefix();
    this.refreshInterval = maxDisconnection.dividedBy(3).isZero() ? Duration.ofMillis(1) : maxDisconnection.dividedBy(3);
    this.ttlMillis = maxDisconnection.plus(refreshInterval).toMillis();
    scheduleRefresh();
  }

  /** The rooms of {@code socketId} changed: its record is (re)written shortly. */
  void changed(String socketId) {
    if (closed) return;
    Entry entry = entries.computeIfAbsent(socketId, Entry::new);
    synchronized (entry) {
      if (entry.gone || entry.scheduled) return;
      entry.scheduled = true;
    }
    namespace.scheduler().schedule(() -> write(entry), COALESCE);
  }

  /**
   * {@code socketId} left its rooms (it is leaving): its record is deleted, the delete issued
   * before this returns. Nothing is sent for a socket whose record was never written.
   */
  void left(String socketId) {
    Entry entry = entries.remove(socketId);
    if (entry == null) return;
    synchronized (entry) {
      entry.gone = true;
      if (entry.written == null) return;
      connection.async().eval(DELETE_IF_OURS, ScriptOutputType.INTEGER, new String[] {entry.key}, entry.written)
          .exceptionally(error -> {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete the live session of " + socketId, error);
            return null;
          });
    }
  }

  /** How many sockets have a record here (written or about to be). */
  int size() {
    return entries.size();
  }

  /** Scheduler thread: writes the socket's record as it is now, or forgets a socket that is gone. */
  private void write(Entry entry) {
    CompletableFuture<Void> sent = writeNow(entry);
    if (sent != null) {
      sent.exceptionally(error -> {
        LOG.log(System.Logger.Level.DEBUG, "cannot write the live session of " + entry.socketId, error);
        return null;
      });
    }
  }

  /**
   * Writes the socket's record as it is now; null when nothing was sent: the socket is gone, or
   * Redis is away (the entry stays dirty, and the first refresh after Redis is back writes it:
   * writes do not pile up in the client while Redis is down).
   */
  private CompletableFuture<Void> writeNow(Entry entry) {
    synchronized (entry) {
      entry.scheduled = false;
      if (entry.gone || closed) return null;
      if (!connection.isOpen()) {
        entry.dirty = true;
        return null;
      }
      LocalSocket socket = namespace.socket(entry.socketId);
      SessionToPersist session = socket == null ? null : socket.session();
      if (session == null) {
        // Not connected (a join racing with its departure): nothing to keep.
        entry.gone = true;
        entries.remove(entry.socketId, entry);
        return null;
      }
      byte[] value;
      try {
        value = RedisSessionStore.encode(RedisSessionStore.StoredSession.of(session)).getBytes(StandardCharsets.US_ASCII);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the data of socket " + entry.socketId + " cannot be kept in Redis", e);
        entry.dirty = false;
        return null;
      }
      entry.key = keyPrefix + session.pid();
      entry.written = value;
      entry.dirty = false;
      return set(entry.key, value);
    }
  }

  private CompletableFuture<Void> set(String key, byte[] value) {
    return connection.async().set(key, value, SetArgs.Builder.px(ttlMillis)).toCompletableFuture().thenApply(ok -> null);
  }

  private synchronized void scheduleRefresh() {
    if (closed) return;
    refreshTimer = namespace.scheduler().schedule(this::refresh, refreshInterval);
  }

  /**
   * Scheduler thread: rewrites every record, a batch per round trip, then schedules the next
   * refresh. While Redis is away it sends nothing (the next round after its return rewrites all,
   * so records lost with a restarted Redis come back).
   */
  private void refresh() {
    if (!connection.isOpen()) {
      scheduleRefresh();
      return;
    }
    refreshBatch(List.copyOf(entries.values()).iterator()).whenComplete((ignored, error) -> {
      if (error != null) LOG.log(System.Logger.Level.DEBUG, "refreshing live sessions failed", error);
      scheduleRefresh();
    });
  }

  private CompletableFuture<Void> refreshBatch(Iterator<Entry> remaining) {
    if (closed || !remaining.hasNext()) return CompletableFuture.completedFuture(null);
    List<CompletableFuture<Void>> batch = new ArrayList<>(REFRESH_BATCH);
    while (remaining.hasNext() && batch.size() < REFRESH_BATCH) {
      Entry entry = remaining.next();
      CompletableFuture<Void> sent;
      synchronized (entry) {
        if (entry.gone || entry.scheduled) continue; // a scheduled write comes anyway
        sent = entry.dirty ? writeNow(entry) : entry.written != null ? set(entry.key, entry.written) : null;
      }
      if (sent != null) batch.add(sent);
    }
    // Failures of single writes do not stop the round: the next one retries them.
    return CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
        .handle((ignored, error) -> null)
        .thenCompose(ignored -> refreshBatch(remaining));
  }

  /** Stops refreshing; records already written expire on their own (or are replaced when their client resumes). */
  void close() {
    closed = true;
    synchronized (this) {
      if (refreshTimer != null) refreshTimer.cancel();
    }
  }
}
