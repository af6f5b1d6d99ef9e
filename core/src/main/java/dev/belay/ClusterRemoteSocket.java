package dev.belay;

import dev.belay.adapter.SocketDetails;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A socket connected to another node, as {@code fetchSockets()} returns it: what that node
 * reported (id, handshake, rooms, data, as of the fetch), and operations that go to the owner node
 * through the namespace's adapter as broadcasts to the socket's own room.
 *
 * <p>Threading: immutable; every method may be called from any thread.
 */
final class ClusterRemoteSocket implements RemoteSocket {
  private final Namespace namespace;
  private final SocketDetails details;

  ClusterRemoteSocket(Namespace namespace, SocketDetails details) {
    this.namespace = namespace;
    this.details = details;
  }

  @Override
  public String id() {
    return details.id();
  }

  @Override
  public Handshake handshake() {
    return details.handshake();
  }

  @Override
  public Set<String> rooms() {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(details.rooms()));
  }

  @Override
  public Map<String, Object> data() {
    return details.data();
  }

  @Override
  public void emit(String event, Object... args) {
    namespace.to(details.id()).emit(event, args);
  }

  @Override
  public void join(String... rooms) {
    namespace.in(details.id()).socketsJoin(rooms);
  }

  @Override
  public void leave(String room) {
    namespace.in(details.id()).socketsLeave(room);
  }

  @Override
  public void disconnect(boolean close) {
    namespace.in(details.id()).disconnectSockets(close);
  }

  @Override
  public String toString() {
    return "RemoteSocket[" + details.id() + " " + namespace.name() + "]";
  }
}
