package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.RemoteSocket;
import dev.belay.parser.EncodedPacket;

/**
 * A socket connected to this server, as an {@link Adapter} sees it.
 *
 * <pre>{@code
 * localSocket.write(SocketEncoder.encode(packet), false);
 * }</pre>
 */
public interface LocalSocket {
  String id();

  /** Queues an already encoded packet; with {@code isVolatile}, drops it if the client cannot take it now. */
  void write(EncodedPacket packet, boolean isVolatile);

  /**
   * Registers {@code onAck} for {@code ackId}, then queues {@code packet} (which carries that id).
   * Returns false, writing nothing, when the socket is no longer connected.
   */
  boolean writeWithAck(EncodedPacket packet, long ackId, AckCallback onAck);

  /** Forgets a pending {@code ackId} (its broadcast timed out). */
  void forgetAck(long ackId);

  /** The socket as application code sees it. */
  RemoteSocket socket();
}
