package dev.belay.parser;

/**
 * The seven Socket.IO v5 packet types, with their wire digits.
 *
 * <pre>{@code
 * SocketPacketType type = SocketPacketType.fromCode('2' - '0'); // EVENT
 * }</pre>
 */
public enum SocketPacketType {
  CONNECT(0),
  DISCONNECT(1),
  EVENT(2),
  ACK(3),
  CONNECT_ERROR(4),
  BINARY_EVENT(5),
  BINARY_ACK(6);

  private static final SocketPacketType[] BY_CODE = values();

  private final int code;

  SocketPacketType(int code) {
    this.code = code;
  }

  /** The digit that starts the packet on the wire. */
  public int code() {
    return code;
  }

  /** Whether packets of this type announce binary attachments ({@code 5} and {@code 6}). */
  public boolean isBinary() {
    return this == BINARY_EVENT || this == BINARY_ACK;
  }

  /** The type for a wire digit, or {@code null} when there is none. */
  public static SocketPacketType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
