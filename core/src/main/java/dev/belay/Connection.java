package dev.belay;

import dev.belay.engine.EngineSocket;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The low-level connection under a {@link Socket} (Socket.IO's {@code socket.conn}): one per
 * client, shared by the client's sockets in every namespace. It shows which transport carries the
 * client now and when that changes, and can cut the connection.
 *
 * <pre>{@code
 * server.on("connection", socket -> {
 *   System.out.println(socket.id() + " on " + socket.conn().transport());   // "polling"
 *   socket.conn().onUpgrade(transport -> System.out.println("upgraded to " + transport));
 * });
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread; upgrade listeners run on the
 * client's lane, like event listeners. A small view: getting it costs nothing worth keeping.
 */
public final class Connection {
  private final Client client;
  private final EngineSocket session;

  Connection(Client client) {
    this.client = client;
    this.session = client.conn();
  }

  /** The connection id (Engine.IO's sid), shared by the client's sockets in other namespaces. */
  public String id() {
    return session.id();
  }

  /** The transport carrying the client now: {@code "polling"}, {@code "websocket"} or {@code "sse"}. */
  public String transport() {
    return session.transport();
  }

  /** Whether the connection is open (not closing or closed). */
  public boolean isOpen() {
    return session.isOpen();
  }

  /**
   * Whether the transport can take a packet right now without buffering it; a volatile emit is
   * dropped when it cannot.
   */
  public boolean isWritable() {
    return session.isWritable();
  }

  /** Adds a listener called with the new transport's name after the client upgraded to it. */
  public Connection onUpgrade(Consumer<String> listener) {
    client.onUpgrade(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Closes the connection after flushing what is queued: every socket of the client leaves with
   * {@link DisconnectReason#FORCED_CLOSE}, and the client, seeing the transport close, reconnects
   * on its own (unlike after {@link Socket#disconnect(boolean) disconnect(true)}).
   */
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "Connection[" + session.id() + " " + session.transport() + "]";
  }
}
