package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.RemoteSocket;
import dev.belay.parser.EncodedPacket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps the rooms of one namespace (room to socket ids and back) and delivers broadcasts. The
 * in-memory one ({@link InMemoryAdapter}) serves a single server; a cluster adapter also publishes
 * each operation to the other nodes and applies theirs locally.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder().adapter(namespace -> new InMemoryAdapter(namespace)).build();
 * }</pre>
 *
 * <p>Every method may be called from any thread. Broadcasts are handed a packet encoded once; an
 * adapter writes the same {@link EncodedPacket} to every recipient and never re-encodes it.
 */
public interface Adapter extends AutoCloseable {
  /** Puts a socket in rooms. */
  void addAll(String socketId, Set<String> rooms);

  /** Takes a socket out of one room. */
  void del(String socketId, String room);

  /** Takes a socket out of every room (it is leaving). */
  void delAll(String socketId);

  /** The rooms of a socket of this server; empty when unknown. */
  Set<String> socketRooms(String socketId);

  /** The ids of the local sockets in any of {@code rooms} (all when empty). */
  Set<String> sockets(Set<String> rooms);

  /** Delivers {@code packet} to every socket that {@code options} selects. */
  void broadcast(EncodedPacket packet, BroadcastOptions options);

  /**
   * Delivers {@code packet}, which asks for acknowledgement {@code ackId}, to every selected
   * socket; {@code onAck} is called once per answer, and {@code recipients} once with the number
   * of sockets reached (a cluster adapter calls it once per node).
   */
  void broadcastWithAck(EncodedPacket packet, long ackId, BroadcastOptions options, AckRecipients recipients,
      AckCallback onAck);

  /** The sockets that {@code options} selects. */
  CompletableFuture<List<RemoteSocket>> fetchSockets(BroadcastOptions options);

  /** Makes the selected sockets join {@code rooms}. */
  void addSockets(BroadcastOptions options, Set<String> rooms);

  /** Makes the selected sockets leave {@code rooms}. */
  void delSockets(BroadcastOptions options, Set<String> rooms);

  /** Disconnects the selected sockets; {@code close} closes their connections too. */
  void disconnectSockets(BroadcastOptions options, boolean close);

  /** Releases resources (cluster subscriptions); the in-memory adapter has none. */
  @Override
  default void close() {}
}
