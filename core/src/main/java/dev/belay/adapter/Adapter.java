package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.RemoteSocket;
import dev.belay.parser.SocketPacket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * Keeps the rooms of one namespace on this server and carries every operation that spans servers:
 * broadcasts, broadcasts with acknowledgements, fetching and moving sockets, server-side events,
 * and the sessions of connection state recovery. {@link InMemoryAdapter} serves a single server;
 * {@link ClusterAdapter} is the template for many (a transport implements publish and
 * publish-response under it).
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder().adapter(InMemoryAdapter::new).build();
 * // in an adapter test:
 * adapter.broadcast(SocketPacket.event("/", List.of("news", "hi"), null),
 *     new BroadcastOptions(Set.of("room-1"), Set.of(), BroadcastFlags.NONE));
 * }</pre>
 *
 * <p><b>Encoding.</b> Broadcasts are handed the packet before it is encoded, with no ack id and
 * with the target namespace's name: an adapter may append an offset (recovery) or publish the
 * packet to other nodes, then encodes it once per node ({@code SocketEncoder.encode}) and writes
 * the same {@code EncodedPacket} to every local recipient; it never encodes per recipient.
 *
 * <p><b>Threading.</b> Every method may be called from any thread and must not block: an adapter
 * that talks to other nodes answers through futures and callbacks. Callbacks
 * ({@code clientCountCallback}, acknowledgements, future completions) may run on any thread: a
 * client's lane, a worker, a scheduler thread or the transport's reader; callers keep them short
 * and thread-safe and never run user code on them directly.
 */
public interface Adapter extends AutoCloseable {
  /** Called once by the namespace after construction: a cluster adapter announces itself here. */
  default void init() {}

  // ---------------------------------------------------------------- rooms (this server)

  /** Puts a local socket in rooms. */
  void addAll(String socketId, Set<String> rooms);

  /** Takes a local socket out of one room. */
  void del(String socketId, String room);

  /** Takes a local socket out of every room (it is leaving). */
  void delAll(String socketId);

  /** The rooms of a socket of this server; empty when unknown. */
  Set<String> socketRooms(String socketId);

  /** The ids of the local sockets in any of {@code rooms} (all when empty). */
  Set<String> sockets(Set<String> rooms);

  // ---------------------------------------------------------------- broadcasting

  /**
   * Delivers an EVENT {@code packet} (no ack id) to every socket {@code options} selects, on every
   * node unless {@code options.flags().local()}. With connection state recovery on, a packet that
   * is not volatile gets an offset appended as its last argument and is stored for replay.
   */
  void broadcast(SocketPacket packet, BroadcastOptions options);

  /**
   * Delivers {@code packet} (no ack id: each node assigns its own from its namespace) to every
   * selected socket and asks each for an acknowledgement.
   *
   * <p>{@code clientCountCallback} is called exactly once per node that delivered the packet, this
   * one included, with the number of its clients that got it; the caller is done when it has
   * heard from {@link #serverCount()} nodes and has as many answers as the counts add up to.
   * {@code ackCallback} is called once per client: with the client's acknowledgement arguments
   * (from another node only the first one travels, as a one-element list), or with an error when a
   * client of this node disconnected before answering (it is no longer waited for). Pending
   * entries are dropped after {@code options.flags().timeout()} on every node.
   */
  void broadcastWithAck(SocketPacket packet, BroadcastOptions options, IntConsumer clientCountCallback,
      AckCallback ackCallback);

  /** The number of servers in the cluster, this one included (1 for a single server). */
  CompletableFuture<Integer> serverCount();

  // ---------------------------------------------------------------- sockets across nodes

  /**
   * The sockets {@code options} selects on every node: local ones as themselves, others as
   * proxies whose emit, join, leave and disconnect go to their owner node. Fails when a node does
   * not answer within {@code options.flags().timeout()} (or the adapter's request timeout).
   */
  CompletableFuture<List<RemoteSocket>> fetchSockets(BroadcastOptions options);

  /** Makes the selected sockets, on every node, join {@code rooms}. */
  void addSockets(BroadcastOptions options, Set<String> rooms);

  /** Makes the selected sockets, on every node, leave {@code rooms}. */
  void delSockets(BroadcastOptions options, Set<String> rooms);

  /** Disconnects the selected sockets on every node; {@code close} closes their connections too. */
  void disconnectSockets(BroadcastOptions options, boolean close);

  // ---------------------------------------------------------------- server-side events

  /**
   * Sends an event to the other servers of the cluster ({@code eventData}: the event name, then
   * its plain arguments); their namespace's server-side listeners get it. A single server has no
   * one to send to and drops it.
   */
  void serverSideEmit(List<Object> eventData);

  /**
   * Like {@link #serverSideEmit(List)}, and completes with one answer per other server (the first
   * argument of its acknowledgement), or fails with {@code dev.belay.AckTimeoutException} when some
   * have not answered within {@code timeout} (null: the adapter's request timeout). A server seen
   * as down is no longer waited for. A single server completes at once with an empty list.
   */
  CompletableFuture<List<Object>> serverSideEmitWithAck(List<Object> eventData, Duration timeout);

  // ---------------------------------------------------------------- connection state recovery

  /**
   * Keeps the state of a socket that disconnected unexpectedly, for at most the recovery's
   * maxDisconnectionDuration. Does nothing when recovery is off.
   */
  void persistSession(SessionToPersist session);

  /**
   * Takes back (once: the pid is consumed) the session {@code pid} stood for, with the packets it
   * missed after {@code offset} in order, or the reason it cannot be restored. A null {@code
   * offset} is a client that got no packet yet: it resumes from the session's {@link
   * SessionToPersist#resumePoint()}, and fails as {@link RecoveryFailure#UNKNOWN} when that is null.
   */
  CompletableFuture<RestoreResult> restoreSession(String pid, String offset);

  /**
   * Where a client that has received no packet yet would resume from, taken when its socket is
   * created and kept with its session ({@link SessionToPersist#resumePoint()}): the offset of the
   * last packet stored or delivered now, {@code ""} when every stored packet counts, or null when
   * this adapter cannot tell; such a client then gets a fresh socket, as in Socket.IO.
   */
  default String resumePoint() {
    return null;
  }

  /** Releases timers and subscriptions; a cluster adapter tells the others it leaves. */
  @Override
  default void close() {}

  /**
   * Whether the adapter reaches what it shares with other nodes (a Redis server, say), for
   * {@code server.health()}; an adapter of one node always does.
   */
  default boolean connected() {
    return true;
  }
}
