package dev.belay;

import java.util.Map;
import java.util.Set;

/**
 * A socket found by {@code fetchSockets()}: on this server it is the {@link Socket} itself; a
 * cluster adapter may return proxies for sockets on other nodes.
 *
 * <pre>{@code
 * server.in("room-1").fetchSockets().thenAccept(sockets -> sockets.forEach(s -> s.emit("hello")));
 * }</pre>
 */
public interface RemoteSocket {
  String id();

  Handshake handshake();

  /** The rooms the socket is in (its own id included). */
  Set<String> rooms();

  /** The application's data attached to the socket. */
  Map<String, Object> data();

  /** Emits an event to this socket. */
  void emit(String event, Object... args);

  void join(String... rooms);

  void leave(String room);

  /** Removes the socket from its namespace; {@code close} also closes the client's connection. */
  void disconnect(boolean close);
}
