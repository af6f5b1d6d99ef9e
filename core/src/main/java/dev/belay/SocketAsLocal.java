package dev.belay;

import dev.belay.adapter.LocalSocket;
import dev.belay.adapter.SessionToPersist;
import dev.belay.parser.EncodedPacket;
import dev.belay.parser.SocketPacket;
import dev.belay.parser.SocketPacketType;
import java.util.List;

/**
 * A {@link Socket} as its namespace's adapter sees it: where broadcasts are written (only while
 * the socket is connected), acknowledgements awaited, and its session read for keeping. Stateless
 * beyond the socket; any thread, as the socket's own methods.
 */
final class SocketAsLocal implements LocalSocket {
  private final Socket socket;

  SocketAsLocal(Socket socket) {
    this.socket = socket;
  }

  @Override
  public String id() {
    return socket.id();
  }

  @Override
  public void write(EncodedPacket packet, boolean isVolatile) {
    if (!socket.connected()) return;
    notifyOutgoingOf(packet);
    socket.client().write(packet, isVolatile);
  }

  @Override
  public boolean writeWithAck(EncodedPacket packet, long ackId, AckCallback onAck) {
    if (!socket.expectAck(ackId, onAck)) return false;
    notifyOutgoingOf(packet);
    socket.client().write(packet, false);
    return true;
  }

  private void notifyOutgoingOf(EncodedPacket packet) {
    SocketPacket source = packet.source();
    if (source != null && source.data() instanceof List<?> eventData
        && (source.type() == SocketPacketType.EVENT || source.type() == SocketPacketType.BINARY_EVENT)) {
      @SuppressWarnings("unchecked")
      List<Object> data = (List<Object>) eventData;
      socket.notifyOutgoing(data);
    }
  }

  @Override
  public void forgetAck(long ackId) {
    socket.forgetAck(ackId);
  }

  @Override
  public RemoteSocket socket() {
    return socket;
  }

  @Override
  public SessionToPersist session() {
    return socket.sessionToKeep();
  }
}
