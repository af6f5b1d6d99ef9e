package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.RemoteSocket;
import dev.belay.parser.EncodedPacket;

/**
 * A socket connected to this server, as an {@link Adapter} sees it.
 *
 * <pre>{@code
 * EncodedPacket wire = SocketEncoder.encode(packet);          // once per broadcast
 * for (LocalSocket socket : recipients) socket.write(wire, false);
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread. Writing an event tells the socket's
 * outgoing listeners about {@link EncodedPacket#source()} first.
 */
public interface LocalSocket {
  String id();

  /** Queues an already encoded packet; with {@code isVolatile}, drops it if the client cannot take it now. */
  void write(EncodedPacket packet, boolean isVolatile);

  /**
   * Registers {@code onAck} for {@code ackId}, then queues {@code packet} (which carries that id).
   * Returns false, writing nothing, when the socket is no longer connected. {@code onAck} later
   * gets the client's answer, or an error if the socket disconnects first.
   */
  boolean writeWithAck(EncodedPacket packet, long ackId, AckCallback onAck);

  /** Forgets a pending {@code ackId} (its broadcast timed out) without calling back. */
  void forgetAck(long ackId);

  /** The socket as application code sees it. */
  RemoteSocket socket();

  /**
   * A snapshot of what recovering this socket would take back now (id, private id, rooms, data),
   * for an adapter that keeps live sessions where a client could recover them should this server
   * die; null when recovery is off or the socket is not connected.
   *
   * <pre>{@code
   * SessionToPersist now = namespace.socket(id).session();
   * if (now != null) store.keepAlive(now);
   * }</pre>
   */
  default SessionToPersist session() {
    return null;
  }
}
