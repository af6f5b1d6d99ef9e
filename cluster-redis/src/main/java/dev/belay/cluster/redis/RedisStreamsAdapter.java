package dev.belay.cluster.redis;

import dev.belay.ConnectionStateRecovery;
import dev.belay.adapter.AdapterFactory;
import dev.belay.adapter.BroadcastOptions;
import dev.belay.adapter.ClusterAdapter;
import dev.belay.adapter.ClusterAdapterOptions;
import dev.belay.adapter.ClusterMessage;
import dev.belay.adapter.ClusterResponse;
import dev.belay.adapter.LocalNamespace;
import dev.belay.adapter.RecoveryFailure;
import dev.belay.adapter.RestoreResult;
import dev.belay.adapter.Session;
import dev.belay.adapter.SessionToPersist;
import dev.belay.engine.Cancellable;
import dev.belay.engine.EngineScheduler;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cluster adapter on Redis Streams, wire-compatible with Node's
 * {@code @socket.io/redis-streams-adapter} 0.3: Belay nodes and Node Socket.IO 4.8 nodes with
 * that adapter, on the same Redis and stream name, form one cluster (docs/PROTOCOL.md).
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
 * ServerOptions options = ServerOptions.builder()
 *     .adapter(RedisStreamsAdapter.factory(redis, RedisStreamsOptions.defaults()))
 *     .build();
 * }</pre>
 *
 * <p>All namespaces of a server share one {@link RedisStreamsTransport} (three Redis connections:
 * commands, the blocking stream read, Pub/Sub), opened with the first namespace and closed with
 * the last. Nodes are found through Redis itself, every second: each node subscribes to a private
 * channel named after it, so a node counts while its connection lives, and a node killed with
 * {@code kill -9} is gone from every other node's list within about a second (its requests stop
 * waiting for it). Sessions for connection state recovery live in Redis ({@link RedisSessionStore}),
 * so a client recovers on any node; the stream is the log of missed packets. With recovery on,
 * the sessions of live sockets are kept there too ({@link LiveSessions}): a client whose node was
 * killed recovers on another one, with its rooms and its data as of its last room change.
 *
 * <p>Threading: messages arrive on the transport's reader and dispatch threads and go to
 * {@link ClusterAdapter}'s handlers, which are thread-safe; the discovery timer runs on the
 * namespace's scheduler and its results on Lettuce's threads. Nothing here blocks.
 */
public final class RedisStreamsAdapter extends ClusterAdapter {
  private static final System.Logger LOG = System.getLogger(RedisStreamsAdapter.class.getName());
  /** How often the live nodes are read from Redis. */
  static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(1);

  private final SharedTransport shared;
  private final RedisStreamsTransport transport;
  private final RedisSessionStore sessions;
  /** The live sockets' sessions kept in Redis; null when recovery is off. Thread-safe. */
  private final LiveSessions live;
  /** Nodes seen through Redis at the last discovery; written by discovery callbacks, one at a time. */
  private volatile Set<String> discovered = Set.of();
  /** The next discovery; guarded by this. */
  private Cancellable discoveryTimer;
  /** Set once by close; read by timers. */
  private volatile boolean closed;
  /** The last session store sent to Redis (they complete in order); any thread. */
  private volatile CompletableFuture<Void> lastPersist = CompletableFuture.completedFuture(null);
  /** How long {@link #close} waits for the sessions being stored. */
  private static final Duration PERSIST_GRACE = Duration.ofSeconds(2);

  private RedisStreamsAdapter(LocalNamespace namespace, SharedTransport shared, ClusterAdapterOptions options) {
    super(namespace, options);
    this.shared = shared;
    this.transport = shared.acquire();
    RedisNodeDirectory directory = shared.directory(namespace.scheduler());
    if (directory != null) namespace.sessionOwners(directory);
    this.sessions = RedisSessionStore.on(transport);
    ConnectionStateRecovery recovery = namespace.recovery();
    this.live = recovery == null ? null
        : new LiveSessions(namespace, transport.commands(), transport.options(), recovery.maxDisconnectionDuration());
  }

  /**
   * The factory for {@code ServerOptions.builder().adapter(...)}: one shared transport on
   * {@code client} for every namespace of the server. The client stays the caller's to shut down.
   */
  public static AdapterFactory factory(RedisClient client, RedisStreamsOptions options) {
    SharedTransport shared = new SharedTransport(client, options);
    ClusterAdapterOptions clusterOptions = ClusterAdapterOptions.defaults()
        .withHeartbeatInterval(options.heartbeatInterval())
        .withHeartbeatTimeout(options.heartbeatTimeout());
    return namespace -> new RedisStreamsAdapter(namespace, shared, clusterOptions);
  }

  /** Whether the connections to Redis are up, for {@code server.health()}. */
  @Override
  public boolean connected() {
    return !closed && transport.connected();
  }

  /** The transport this adapter publishes through (shared by the server's namespaces). */
  RedisStreamsTransport transport() {
    return transport;
  }

  /** Subscribes, then announces this node and starts discovering the others. */
  @Override
  public void init() {
    transport.register(namespace().name(), uid(), this::onWireMessage)
        .thenCombine(transport.reading(), (a, b) -> null)
        .whenComplete((ignored, error) -> {
          if (error != null) {
            LOG.log(System.Logger.Level.WARNING, "cannot subscribe namespace " + namespace().name() + " on Redis yet", error);
          }
          if (closed) return;
          super.init();
          discover();
        });
  }

  /**
   * The last stream entry this node has read: with recovery on, every broadcast reaches this
   * node's sockets as it is read back from the stream, and an entry counts as read once it was
   * handed to them, so a socket created now gets every later entry its rooms match. Kept with the
   * session in Redis, so a client that got no packet yet recovers on any Belay node (Node's
   * adapter gives it a fresh socket); null before the first read.
   */
  @Override
  public String resumePoint() {
    return transport.lastReadId();
  }

  /** The stream hands every node its own entries back, in the one order all nodes read. */
  @Override
  protected boolean readsOwnMessages() {
    return true;
  }

  private void onWireMessage(ClusterWireMessage wire, String offset) {
    try {
      if (ClusterMessages.isResponse(wire.type())) {
        onResponse(ClusterMessages.response(wire));
      } else {
        ClusterMessage message = ClusterMessages.message(wire);
        if (message != null) onMessage(message, offset);
      }
    } catch (ClusterWireException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "dropped cluster message of type " + wire.type() + " from " + wire.uid() + ": " + e.getMessage());
    }
  }

  /**
   * Reads the live nodes from Redis and tells the template: a node that appeared counts as heard
   * from (Node nodes never send heartbeats), one that vanished has left.
   */
  private void discover() {
    if (closed) return;
    String nsp = namespace().name();
    transport.nodes(nsp).whenComplete((now, error) -> {
      if (error == null && !closed) {
        Set<String> others = new HashSet<>(now);
        others.remove(uid());
        for (String node : others) onMessage(new ClusterMessage.Heartbeat(node, nsp), null);
        for (String node : discovered) {
          if (!others.contains(node)) onMessage(new ClusterMessage.AdapterClose(node, nsp), null);
        }
        discovered = Set.copyOf(others);
      }
      scheduleDiscovery();
    });
  }

  private synchronized void scheduleDiscovery() {
    if (closed) return;
    discoveryTimer = namespace().scheduler().schedule(this::discover, DISCOVERY_INTERVAL);
  }

  @Override
  protected CompletableFuture<String> doPublish(ClusterMessage message) {
    return transport.publish(ClusterMessages.toWire(message)).thenApply(offset -> offset.isEmpty() ? null : offset);
  }

  @Override
  protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterResponse response) {
    return transport.publishResponse(requesterUid, ClusterMessages.toWire(response));
  }

  /** The nodes subscribed to this namespace in Redis, as the Node adapter counts them. */
  @Override
  public CompletableFuture<Integer> serverCount() {
    return transport.serverCount(namespace().name()).thenApply(Long::intValue);
  }

  // ---------------------------------------------------------------- live sessions (recovery on)

  /** Also schedules the write of the socket's live session (recovery on). */
  @Override
  public void addAll(String socketId, Set<String> rooms) {
    super.addAll(socketId, rooms);
    if (live != null) live.changed(socketId);
  }

  /** Also schedules the write of the socket's live session (recovery on). */
  @Override
  public void del(String socketId, String room) {
    super.del(socketId, room);
    if (live != null) live.changed(socketId);
  }

  /**
   * Also deletes the socket's live session (recovery on), the delete issued before this returns:
   * a socket that leaves on purpose leaves nothing to recover, and the socket layer's
   * {@link #persistSession} for an unexpected disconnect, which follows on the same connection,
   * stores the session again.
   */
  @Override
  public void delAll(String socketId) {
    super.delAll(socketId);
    if (live != null) live.left(socketId);
  }

  /** The stream is the log: nothing to keep in memory. */
  @Override
  protected void storePacket(String offset, List<Object> data, BroadcastOptions options) {}

  @Override
  public void persistSession(SessionToPersist session) {
    ConnectionStateRecovery recovery = namespace().recovery();
    if (recovery == null) return;
    try {
      lastPersist = sessions.persist(RedisSessionStore.StoredSession.of(session), recovery.maxDisconnectionDuration())
          .exceptionally(error -> {
            LOG.log(System.Logger.Level.WARNING, "cannot store session " + session.sid() + " in Redis", error);
            return null;
          });
    } catch (RuntimeException e) { // data that MessagePack cannot carry: the session cannot be kept
      LOG.log(System.Logger.Level.WARNING, "cannot store session " + session.sid() + " in Redis", e);
    }
  }

  @Override
  public CompletableFuture<RestoreResult> restoreSession(String pid, String offset) {
    if (namespace().recovery() == null) return CompletableFuture.completedFuture(RestoreResult.failed(RecoveryFailure.DISABLED));
    // Live broadcasts to the socket are held from before the missed ones are read, and those the
    // replay already holds are dropped from the held ones: none lost, none twice.
    return sessions.restore(namespace().name(), pid, offset, s -> startHolding(s.sid(), s.rooms())).handle((found, error) -> {
      if (error != null || found.isEmpty()) return RestoreResult.failed(RecoveryFailure.UNKNOWN);
      RedisSessionStore.StoredSession s = found.get();
      List<List<Object>> missed = s.missedPackets();
      String last = offset != null ? offset : s.resumePoint();
      if (!missed.isEmpty() && !missed.get(missed.size() - 1).isEmpty()
          && missed.get(missed.size() - 1).get(missed.get(missed.size() - 1).size() - 1) instanceof String o) {
        last = o;
      }
      replayedUpTo(s.sid(), last);
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> data = s.data() instanceof java.util.Map<?, ?> m
          ? (java.util.Map<String, Object>) m : java.util.Map.of();
      return RestoreResult.restored(new Session(s.sid(), s.pid(), s.rooms(), data, s.missedPackets(), s.resumePoint()));
    });
  }

  /** Says goodbye to the other nodes, leaves the namespace's channels, and releases the transport. */
  @Override
  public void close() {
    if (closed) return;
    super.close();
    closed = true;
    // Sessions stored on the way out are what this node's clients resume from elsewhere: let
    // them reach Redis (they complete in order on one connection) before anything is closed.
    try {
      lastPersist.get(PERSIST_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "sessions still being stored in Redis at close: their clients may not recover");
    }
    if (live != null) live.close();
    synchronized (this) {
      if (discoveryTimer != null) discoveryTimer.cancel();
    }
    transport.unregister(namespace().name()).whenComplete((ignored, error) -> shared.release());
  }

  /** The transport shared by the namespaces of one server, opened with the first and closed with the last. */
  private static final class SharedTransport {
    private final RedisClient client;
    private final RedisStreamsOptions options;
    /** Guarded by this. */
    private RedisStreamsTransport transport;
    /** Adapters using it; guarded by this. */
    private int users;
    /** The nodes' addresses when forwarding, made with the transport; guarded by this. */
    private RedisNodeDirectory directory;

    SharedTransport(RedisClient client, RedisStreamsOptions options) {
      this.client = client;
      this.options = options;
    }

    synchronized RedisStreamsTransport acquire() {
      if (transport == null) transport = new RedisStreamsTransport(client, options);
      users++;
      return transport;
    }

    /** The node directory (forwarding on), made once with the transport; null when forwarding is off. */
    synchronized RedisNodeDirectory directory(EngineScheduler scheduler) {
      if (!options.forwarding() || transport == null) return null;
      if (directory == null) directory = new RedisNodeDirectory(transport.commands(), scheduler, options);
      return directory;
    }

    synchronized void release() {
      if (--users > 0 || transport == null) return;
      RedisStreamsTransport closing = transport;
      transport = null;
      CompletableFuture<Void> gone = CompletableFuture.completedFuture(null);
      if (directory != null) {
        gone = directory.close();
        directory = null;
      }
      gone.whenComplete((ignored, error) -> closing.close());
    }
  }
}
