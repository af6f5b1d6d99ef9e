package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.RemoteSocket;
import dev.belay.parser.EncodedPacket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The adapter of a single server: rooms in two maps, broadcasts written straight to the local
 * sockets.
 *
 * <pre>{@code
 * Adapter adapter = new InMemoryAdapter(namespace);
 * adapter.addAll(socket.id(), Set.of("room-1"));
 * adapter.broadcast(SocketEncoder.encode(packet), new BroadcastOptions(Set.of("room-1"), Set.of(), BroadcastFlags.NONE));
 * }</pre>
 *
 * <p>Threading: both maps are guarded by {@code this}; recipients are chosen under the lock and
 * written to outside it, so a slow client never holds up room changes.
 */
public class InMemoryAdapter implements Adapter {
  private final LocalNamespace namespace;
  // room -> socket ids; guarded by this. Values are CompactSets (store what plus/minus return).
  private final Map<String, Set<String>> rooms = new HashMap<>();
  // socket id -> rooms; guarded by this. Values are CompactSets, as above.
  private final Map<String, Set<String>> socketRooms = new HashMap<>();

  public InMemoryAdapter(LocalNamespace namespace) {
    this.namespace = namespace;
  }

  /** The namespace this adapter serves. */
  protected LocalNamespace namespace() {
    return namespace;
  }

  @Override
  public synchronized void addAll(String socketId, Set<String> newRooms) {
    Set<String> mine = socketRooms.get(socketId);
    for (String room : newRooms) {
      mine = CompactSets.plus(mine, room);
      rooms.put(room, CompactSets.plus(rooms.get(room), socketId));
    }
    socketRooms.put(socketId, mine != null ? mine : Set.of()); // known even with no rooms, as before
  }

  @Override
  public synchronized void del(String socketId, String room) {
    Set<String> mine = socketRooms.get(socketId);
    if (mine != null) {
      // A socket that left its last room stays known (with no rooms), as it did before.
      Set<String> left = CompactSets.minus(mine, room);
      socketRooms.put(socketId, left != null ? left : Set.of());
    }
    removeFromRoom(room, socketId);
  }

  @Override
  public synchronized void delAll(String socketId) {
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

  private List<LocalSocket> selectSockets(BroadcastOptions options) {
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

  @Override
  public void broadcast(EncodedPacket packet, BroadcastOptions options) {
    boolean isVolatile = options.flags().isVolatile();
    for (LocalSocket socket : selectSockets(options)) socket.write(packet, isVolatile);
  }

  @Override
  public void broadcastWithAck(EncodedPacket packet, long ackId, BroadcastOptions options, AckRecipients recipients,
      AckCallback onAck) {
    List<LocalSocket> reached = new ArrayList<>();
    for (LocalSocket socket : selectSockets(options)) {
      if (socket.writeWithAck(packet, ackId, onAck)) reached.add(socket);
    }
    recipients.reached(reached, 0);
  }

  @Override
  public CompletableFuture<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
    List<RemoteSocket> result = new ArrayList<>();
    for (LocalSocket socket : selectSockets(options)) result.add(socket.socket());
    return CompletableFuture.completedFuture(Collections.unmodifiableList(result));
  }

  @Override
  public void addSockets(BroadcastOptions options, Set<String> newRooms) {
    for (LocalSocket socket : selectSockets(options)) socket.socket().join(newRooms.toArray(String[]::new));
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
}
