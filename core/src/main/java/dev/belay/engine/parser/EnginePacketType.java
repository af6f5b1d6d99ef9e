package dev.belay.engine.parser;

/**
 * The seven Engine.IO v4 packet types, each with its one-digit wire code.
 *
 * <pre>{@code
 * EnginePacketType.fromCode('4') == EnginePacketType.MESSAGE
 * }</pre>
 */
public enum EnginePacketType {
  OPEN('0'),
  CLOSE('1'),
  PING('2'),
  PONG('3'),
  MESSAGE('4'),
  UPGRADE('5'),
  NOOP('6');

  private static final EnginePacketType[] BY_CODE = values();

  private final char code;

  EnginePacketType(char code) {
    this.code = code;
  }

  /** The digit that starts a text packet of this type. */
  public char code() {
    return code;
  }

  /** The type for a digit, or {@code null} when the digit is not a packet type. */
  public static EnginePacketType fromCode(char c) {
    int i = c - '0';
    return i >= 0 && i < BY_CODE.length ? BY_CODE[i] : null;
  }
}
