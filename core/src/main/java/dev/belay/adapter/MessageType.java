package dev.belay.adapter;

/**
 * The message types of socket.io-adapter's cluster protocol, with their numbers on the wire.
 *
 * <pre>{@code
 * MessageType type = MessageType.of(3);   // BROADCAST
 * int wire = type.code();
 * }</pre>
 */
public enum MessageType {
  INITIAL_HEARTBEAT(1),
  HEARTBEAT(2),
  BROADCAST(3),
  SOCKETS_JOIN(4),
  SOCKETS_LEAVE(5),
  DISCONNECT_SOCKETS(6),
  FETCH_SOCKETS(7),
  FETCH_SOCKETS_RESPONSE(8),
  SERVER_SIDE_EMIT(9),
  SERVER_SIDE_EMIT_RESPONSE(10),
  BROADCAST_CLIENT_COUNT(11),
  BROADCAST_ACK(12),
  ADAPTER_CLOSE(13);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** The type numbered {@code code}, or null for a number this protocol does not have. */
  public static MessageType of(int code) {
    return code >= 1 && code <= values().length ? values()[code - 1] : null;
  }
}
