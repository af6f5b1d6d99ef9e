package dev.belay.adapter;

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

  /** The socket as application code sees it. */
  RemoteSocket socket();
}
