package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.ConnectionStateRecovery;
import dev.belay.RemoteSocket;
import dev.belay.parser.EncodedPacket;
import dev.belay.parser.SocketEncoder;
import dev.belay.parser.SocketPacket;
import dev.belay.parser.SocketPacketType;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The adapter of a single server: rooms in two maps, broadcasts encoded once and written straight
 * to the local sockets. With connection state recovery on, it is also session-aware: every EVENT
 * broadcast without an ack id and not volatile gets an offset appended as its last argument and
 * is kept in a bounded {@link SessionStore}, and sessions are persisted and restored there.
 *
 * <pre>{@code
 * Adapter adapter = new InMemoryAdapter(namespace);
 * adapter.addAll(socket.id(), Set.of("room-1"));
 * adapter.broadcast(SocketPacket.event("/", List.of("news", "hi"), null),
 *     new BroadcastOptions(Set.of("room-1"), Set.of(), BroadcastFlags.NONE));
 * }</pre>
 *
 * <p>Threading: the room maps, the held packets and the order of the store are guarded by
 * {@code this}; recipients are chosen under the lock. A packet without an offset is written to
 * them outside it; one with an offset is given its offset, stored and queued to every recipient
 * under it, so that each client gets offsets in increasing order and none before it is stored.
 * Writing only queues on a session, never waits for a client, so a slow client never holds the
 * lock.
 */
public class InMemoryAdapter implements Adapter {
  private static final System.Logger LOG = System.getLogger(InMemoryAdapter.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How long packets are held for a restored socket that never joins (its client went away again). */
  private static final Duration HOLD_LIMIT = Duration.ofSeconds(30);

  private final LocalNamespace namespace;
  // Null when recovery is off; thread-safe.
  private final SessionStore store;
  // Offsets issued here: a random prefix per adapter, then a counter; any thread.
  private final String offsetPrefix;
  private final AtomicLong nextOffset = new AtomicLong();
  // room -> socket ids; guarded by this. Values are CompactSets (store what plus/minus return).
  private final Map<String, Set<String>> rooms = new HashMap<>();
  // socket id -> rooms; guarded by this. Values are CompactSets, as above.
  private final Map<String, Set<String>> socketRooms = new HashMap<>();
  // Restored socket id -> packets broadcast to it since its session was restored, written once it
  // joins (after its missed packets); null until the first restore. Guarded by this.
  private Map<String, Held> held;
  /**
   * Restored sockets whose replay reached further into the log than this node's live deliveries
   * had when they joined: socket id to the last replayed offset. Live packets up to it are not
   * written again; the entry goes with the first one past it. Null while empty; guarded by this.
   */
  private Map<String, String> replayedAhead;

  /** Packets waiting for a restored socket, in broadcast order, at most maxStoredPackets. */
  private static final class Held {
    final List<EncodedPacket> packets = new ArrayList<>();
    final List<Boolean> volatileFlags = new ArrayList<>();
    /** Each packet's offset, or null for one without. */
    final List<String> offsets = new ArrayList<>();
    /** The last offset the restore replayed: held packets up to it are not written again. */
    String replayedUpTo;
  }

  public InMemoryAdapter(LocalNamespace namespace) {
    this.namespace = namespace;
    ConnectionStateRecovery recovery = namespace.recovery();
    this.store = recovery == null ? null : new SessionStore(recovery, namespace.scheduler());
    byte[] prefix = new byte[6];
    RANDOM.nextBytes(prefix);
    this.offsetPrefix = java.util.HexFormat.of().formatHex(prefix) + "-";
  }

  /** The namespace this adapter serves. */
  protected LocalNamespace namespace() {
    return namespace;
  }

  /** The recovery store (to watch its size: {@code storedPackets()}), or null when recovery is off. */
  public SessionStore sessionStore() {
    return store;
  }

  // ---------------------------------------------------------------- rooms

  @Override
  public void addAll(String socketId, Set<String> newRooms) {
    Held waiting;
    synchronized (this) {
      Set<String> mine = socketRooms.get(socketId);
      for (String room : newRooms) {
        mine = CompactSets.plus(mine, room);
        rooms.put(room, CompactSets.plus(rooms.get(room), socketId));
      }
      socketRooms.put(socketId, mine != null ? mine : Set.of()); // known even with no rooms
      waiting = held == null ? null : held.remove(socketId);
      // Written under the lock so that no later broadcast overtakes them.
      if (waiting != null) writeHeld(socketId, waiting);
    }
  }

  @Override
  public synchronized void del(String socketId, String room) {
    Set<String> mine = socketRooms.get(socketId);
    if (mine != null) {
      // A socket that left its last room stays known (with no rooms).
      Set<String> left = CompactSets.minus(mine, room);
      socketRooms.put(socketId, left != null ? left : Set.of());
    }
    removeFromRoom(room, socketId);
  }

  @Override
  public synchronized void delAll(String socketId) {
    if (held != null) held.remove(socketId);
    if (replayedAhead != null && replayedAhead.remove(socketId) != null && replayedAhead.isEmpty()) replayedAhead = null;
    Set<String> mine = socketRooms.remove(socketId);
    if (mine == null) return;
    for (String room : mine) removeFromRoom(room, socketId);
  }

  private void removeFromRoom(String room, String socketId) {
    Set<String> members = CompactSets.minus(rooms.get(room), socketId);
    if (members == null) rooms.remove(room);
    else rooms.put(room, members);
  }

  @Override
  public synchronized Set<String> socketRooms(String socketId) {
    Set<String> mine = socketRooms.get(socketId);
    return mine == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(mine));
  }

  @Override
  public synchronized Set<String> sockets(Set<String> targetRooms) {
    return select(new BroadcastOptions(targetRooms, Set.of(), BroadcastFlags.NONE));
  }

  /** The ids selected by {@code options}; caller holds the lock. */
  private Set<String> select(BroadcastOptions options) {
    Set<String> excluded = new HashSet<>();
    for (String room : options.except()) {
      Set<String> members = rooms.get(room);
      if (members != null) excluded.addAll(members);
    }
    Set<String> ids = new LinkedHashSet<>();
    if (options.rooms().isEmpty()) {
      for (String id : socketRooms.keySet()) if (!excluded.contains(id)) ids.add(id);
    } else {
      for (String room : options.rooms()) {
        Set<String> members = rooms.get(room);
        if (members == null) continue;
        for (String id : members) if (!excluded.contains(id)) ids.add(id);
      }
    }
    return ids;
  }

  /** The connected local sockets {@code options} selects. */
  protected List<LocalSocket> selectSockets(BroadcastOptions options) {
    Set<String> ids;
    synchronized (this) {
      ids = select(options);
    }
    List<LocalSocket> sockets = new ArrayList<>(ids.size());
    for (String id : ids) {
      LocalSocket socket = namespace.socket(id);
      if (socket != null) sockets.add(socket);
    }
    return sockets;
  }

  // ---------------------------------------------------------------- broadcasting

  @Override
  public void broadcast(SocketPacket packet, BroadcastOptions options) {
    if (storable(packet, options)) deliver(packet, options, null);
    else broadcastLocally(packet, options, null);
  }

  /**
   * Whether {@code packet} gets an offset and is stored: recovery is on, and it is an EVENT with
   * no ack id that is not volatile (an acknowledgement cannot be replayed to another connection).
   */
  protected boolean storable(SocketPacket packet, BroadcastOptions options) {
    return namespace.recovery() != null && packet.type() == SocketPacketType.EVENT && packet.id() == null
        && !options.flags().isVolatile();
  }

  /** A new offset, unique to this adapter. */
  protected String newOffset() {
    return offsetPrefix + nextOffset.getAndIncrement();
  }

  /**
   * Delivers {@code packet} to the local sockets {@code options} selects, encoded once. With an
   * {@code offset}, appends it to the packet's arguments and stores the packet first (see
   * {@link #storePacket}).
   */
  protected void broadcastLocally(SocketPacket packet, BroadcastOptions options, String offset) {
    if (offset != null) {
      deliver(packet, options, offset);
      return;
    }
    EncodedPacket wire = SocketEncoder.encode(packet);
    boolean isVolatile = options.flags().isVolatile();
    List<LocalSocket> targets = new ArrayList<>();
    synchronized (this) {
      collectTargets(options, wire, isVolatile, null, targets);
    }
    for (LocalSocket socket : targets) socket.write(wire, isVolatile);
    namespace.broadcastWritten(targets.size());
  }

  /**
   * Delivers a packet that carries an offset ({@code offset}, or a new one when null): the offset
   * is issued, the packet stored and written to every recipient under the adapter's lock, so that
   * each client gets such packets in the order of their offsets, whichever threads broadcast them
   * (a client resumes after the last offset it got: one out of order would be replayed twice).
   * Writes only queue on the sessions, so the lock is held for the encoding and those queuings.
   */
  private void deliver(SocketPacket packet, BroadcastOptions options, String offset) {
    boolean isVolatile = options.flags().isVolatile();
    List<LocalSocket> targets = new ArrayList<>();
    synchronized (this) {
      SocketPacket sent = withOffset(packet, offset != null ? offset : newOffset());
      EncodedPacket wire = SocketEncoder.encode(sent);
      List<Object> data = eventData(sent);
      String issued = (String) data.get(data.size() - 1);
      storePacket(issued, data, options);
      collectTargets(options, wire, isVolatile, issued, targets);
      for (LocalSocket socket : targets) socket.write(wire, isVolatile);
    }
    namespace.broadcastWritten(targets.size());
  }

  /** The local recipients of a broadcast, holding it for sockets being restored; caller holds the lock. */
  private void collectTargets(BroadcastOptions options, EncodedPacket wire, boolean isVolatile, String offset,
      List<LocalSocket> targets) {
    for (String id : select(options)) {
      Held waiting = held == null ? null : held.get(id);
      if (waiting != null) {
        hold(id, waiting, wire, isVolatile, offset);
        continue;
      }
      if (replayedAhead != null && offset != null && alreadyReplayed(id, offset)) continue;
      LocalSocket socket = namespace.socket(id);
      if (socket != null) targets.add(socket);
    }
  }

  /**
   * Stores a packet with its offset for replay; called under the adapter's lock, in delivery
   * order. The in-memory store by default; a cluster adapter with a shared log (a Redis stream)
   * may keep nothing here.
   */
  protected void storePacket(String offset, List<Object> data, BroadcastOptions options) {
    if (store != null) store.append(offset, data, options);
  }

  /** {@code packet} with {@code offset} appended to its event data. */
  protected static SocketPacket withOffset(SocketPacket packet, String offset) {
    List<Object> data = new ArrayList<>(eventData(packet).size() + 1);
    data.addAll(eventData(packet));
    data.add(offset);
    return new SocketPacket(packet.type(), packet.namespace(), packet.id(), Collections.unmodifiableList(data), 0);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> eventData(SocketPacket packet) {
    return (List<Object>) packet.data();
  }

  @Override
  public void broadcastWithAck(SocketPacket packet, BroadcastOptions options, IntConsumer clientCountCallback,
      AckCallback ackCallback) {
    // Ack ids come from the namespace's counter, shared with the sockets' own emits: no collision.
    long ackId = namespace.nextAckId();
    EncodedPacket wire = SocketEncoder.encode(
        new SocketPacket(packet.type(), packet.namespace(), ackId, packet.data(), 0));
    List<LocalSocket> reached = new ArrayList<>();
    for (LocalSocket socket : selectSockets(options)) {
      if (socket.writeWithAck(wire, ackId, ackCallback)) reached.add(socket);
    }
    Long timeout = options.flags().timeout();
    if (timeout != null && !reached.isEmpty()) {
      // The caller gives up at the timeout; the recipients' pending entries go then too.
      namespace.scheduler().schedule(() -> {
        for (LocalSocket socket : reached) socket.forgetAck(ackId);
      }, Duration.ofMillis(timeout));
    }
    clientCountCallback.accept(reached.size());
  }

  @Override
  public CompletableFuture<Integer> serverCount() {
    return CompletableFuture.completedFuture(1);
  }

  // ---------------------------------------------------------------- sockets

  @Override
  public CompletableFuture<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
    List<RemoteSocket> result = new ArrayList<>();
    for (LocalSocket socket : selectSockets(options)) result.add(socket.socket());
    return CompletableFuture.completedFuture(Collections.unmodifiableList(result));
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> newRooms) {
    String[] joined = newRooms.toArray(String[]::new);
    for (LocalSocket socket : selectSockets(options)) socket.socket().join(joined);
  }

  @Override
  public void delSockets(BroadcastOptions options, Set<String> oldRooms) {
    for (LocalSocket socket : selectSockets(options)) {
      for (String room : oldRooms) socket.socket().leave(room);
    }
  }

  @Override
  public void disconnectSockets(BroadcastOptions options, boolean close) {
    for (LocalSocket socket : selectSockets(options)) socket.socket().disconnect(close);
  }

  // ---------------------------------------------------------------- server-side events

  /** A single server has no other server to tell. */
  @Override
  public void serverSideEmit(List<Object> eventData) {}

  /** A single server has no other server to ask: an empty list at once. */
  @Override
  public CompletableFuture<List<Object>> serverSideEmitWithAck(List<Object> eventData, Duration timeout) {
    return CompletableFuture.completedFuture(List.of());
  }

  // ---------------------------------------------------------------- recovery

  @Override
  public String resumePoint() {
    return store == null ? null : store.lastOffset();
  }

  @Override
  public void persistSession(SessionToPersist session) {
    if (store != null) store.persist(session);
  }

  /**
   * Restores from the in-memory store. On success the socket id is put back in its rooms at once,
   * atomically with the choice of missed packets, and packets broadcast to it from then on are
   * held until the restored socket's first join ({@link #addAll}): the socket layer replays the
   * missed packets, then joins, so nothing is lost or reordered in between.
   */
  @Override
  public CompletableFuture<RestoreResult> restoreSession(String pid, String offset) {
    if (store == null) return CompletableFuture.completedFuture(RestoreResult.failed(RecoveryFailure.DISABLED));
    RestoreResult result;
    synchronized (this) {
      result = store.restore(pid, offset);
      if (result.restored()) startHolding(result.session().sid(), result.session().rooms());
    }
    return CompletableFuture.completedFuture(result);
  }

  /**
   * Puts {@code socketId} in {@code socketRooms} and holds every packet broadcast to it until its
   * first {@link #addAll}; for adapters that restore sessions from elsewhere (call it before
   * reading the missed packets, so none falls between). Dropped after a while if the socket never
   * joins.
   */
  protected void startHolding(String socketId, List<String> socketRoomsToRestore) {
    synchronized (this) {
      Set<String> mine = socketRooms.get(socketId);
      for (String room : socketRoomsToRestore) {
        mine = CompactSets.plus(mine, room);
        rooms.put(room, CompactSets.plus(rooms.get(room), socketId));
      }
      socketRooms.put(socketId, mine != null ? mine : Set.of());
      if (held == null) held = new HashMap<>();
      held.put(socketId, new Held());
    }
    namespace.scheduler().schedule(() -> {
      synchronized (this) {
        if (held == null || !held.containsKey(socketId)) return;
      }
      LOG.log(System.Logger.Level.DEBUG, "restored socket {0} never joined: dropped", socketId);
      delAll(socketId);
    }, HOLD_LIMIT);
  }

  /** Adds a packet to a restored socket's held ones; caller holds the lock. */
  private void hold(String socketId, Held waiting, EncodedPacket wire, boolean isVolatile, String offset) {
    int limit = namespace.recovery() == null ? 10_000 : namespace.recovery().maxStoredPackets();
    if (waiting.packets.size() >= limit) {
      LOG.log(System.Logger.Level.DEBUG, "restored socket {0} held too many packets: dropped", socketId);
      held.remove(socketId);
      return;
    }
    waiting.packets.add(wire);
    waiting.volatileFlags.add(isVolatile);
    waiting.offsets.add(offset);
  }

  /**
   * Says which offset the restore of {@code socketId} replayed up to: of the packets held for it,
   * those at or before that offset (the adapter delivered them live while the missed ones were
   * being read) are dropped instead of written twice. For adapters that read the missed packets
   * after {@link #startHolding}, from a log whose offsets {@link #isAfter} can order.
   */
  protected void replayedUpTo(String socketId, String offset) {
    synchronized (this) {
      Held waiting = held == null ? null : held.get(socketId);
      if (waiting != null) waiting.replayedUpTo = offset;
    }
  }

  /**
   * Whether offset {@code a} comes after {@code b} in the log: Redis stream ids
   * ({@code <ms>-<seq>}) are compared as numbers; offsets of another shape always count as after
   * (nothing is dropped that cannot be ordered).
   */
  protected boolean isAfter(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    if (da <= 0 || db <= 0) return true;
    try {
      long ma = Long.parseLong(a, 0, da, 10);
      long mb = Long.parseLong(b, 0, db, 10);
      if (ma != mb) return ma > mb;
      return Long.parseLong(a, da + 1, a.length(), 10) > Long.parseLong(b, db + 1, b.length(), 10);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** Whether {@code offset} is one the restore of {@code socketId} already replayed; caller holds the lock. */
  private boolean alreadyReplayed(String socketId, String offset) {
    String upTo = replayedAhead.get(socketId);
    if (upTo == null) return false;
    if (!isAfter(offset, upTo)) return true;
    replayedAhead.remove(socketId);
    if (replayedAhead.isEmpty()) replayedAhead = null;
    return false;
  }

  /**
   * Writes the held packets of a socket that just joined, and remembers how far its replay went
   * (this node may deliver those packets live only later); caller holds the lock.
   */
  private void writeHeld(String socketId, Held waiting) {
    if (waiting.replayedUpTo != null) {
      if (replayedAhead == null) replayedAhead = new HashMap<>();
      replayedAhead.put(socketId, waiting.replayedUpTo);
    }
    LocalSocket socket = namespace.socket(socketId);
    if (socket == null) return;
    for (int i = 0; i < waiting.packets.size(); i++) {
      String offset = waiting.offsets.get(i);
      if (waiting.replayedUpTo != null && offset != null && !isAfter(offset, waiting.replayedUpTo)) continue;
      socket.write(waiting.packets.get(i), waiting.volatileFlags.get(i));
    }
  }
}
