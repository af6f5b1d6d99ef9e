package dev.belay.engine.parser;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO packet: a type and either text data (possibly empty) or, for binary messages, bytes.
 * Immutable except that the {@code byte[]} of a binary packet is shared, not copied: callers must
 * not change it after handing it over.
 *
 * <pre>{@code
 * EnginePacket hello = EnginePacket.message("hello");
 * EnginePacket bytes = EnginePacket.binary(new byte[] {1, 2, 3});
 * }</pre>
 *
 * <p>A packet may be sent to many sessions (a broadcast): its wire form is computed once, on
 * first use, and shared.
 */
public final class EnginePacket {
  public static final EnginePacket PING = new EnginePacket(EnginePacketType.PING, "", null);
  public static final EnginePacket PONG = new EnginePacket(EnginePacketType.PONG, "", null);
  public static final EnginePacket CLOSE = new EnginePacket(EnginePacketType.CLOSE, "", null);
  public static final EnginePacket UPGRADE = new EnginePacket(EnginePacketType.UPGRADE, "", null);
  public static final EnginePacket NOOP = new EnginePacket(EnginePacketType.NOOP, "", null);
  public static final EnginePacket PING_PROBE = new EnginePacket(EnginePacketType.PING, "probe", null);
  public static final EnginePacket PONG_PROBE = new EnginePacket(EnginePacketType.PONG, "probe", null);

  private final EnginePacketType type;
  private final String text;
  private final byte[] binary;
  /**
   * The type digit and text as UTF-8, as a WebSocket text frame carries them; null until first
   * asked for. Any thread: a race computes the same bytes twice, harmlessly; volatile so that a
   * reader sees the array filled.
   */
  private volatile byte[] utf8Frame;

  /**
   * @param type the packet type
   * @param text the text data, {@code ""} when there is none; {@code null} for binary packets
   * @param binary the bytes of a binary message; {@code null} for text packets
   */
  public EnginePacket(EnginePacketType type, String text, byte[] binary) {
    Objects.requireNonNull(type, "type");
    if ((text == null) == (binary == null)) {
      throw new IllegalArgumentException("a packet has either text or binary data");
    }
    if (binary != null && type != EnginePacketType.MESSAGE) {
      throw new IllegalArgumentException("only message packets carry binary data");
    }
    this.type = type;
    this.text = text;
    this.binary = binary;
  }

  /** The packet type. */
  public EnginePacketType type() {
    return type;
  }

  /** The text data, {@code ""} when there is none; {@code null} for binary packets. */
  public String text() {
    return text;
  }

  /** The bytes of a binary message; {@code null} for text packets. */
  public byte[] binary() {
    return binary;
  }

  /**
   * A text packet as a WebSocket text frame carries it ({@code <type digit><text>}), UTF-8 encoded
   * once and shared by every session it is sent to. Callers must not change the array.
   */
  public byte[] utf8Frame() {
    byte[] frame = utf8Frame;
    if (frame == null) {
      if (binary != null) throw new IllegalStateException("a binary packet has no text frame");
      frame = (type.code() + text).getBytes(StandardCharsets.UTF_8);
      utf8Frame = frame;
    }
    return frame;
  }

  /** A text packet of any type. */
  public static EnginePacket of(EnginePacketType type, String text) {
    return new EnginePacket(type, text, null);
  }

  /** A text message. */
  public static EnginePacket message(String text) {
    return new EnginePacket(EnginePacketType.MESSAGE, text, null);
  }

  /** A binary message. */
  public static EnginePacket binary(byte[] data) {
    return new EnginePacket(EnginePacketType.MESSAGE, null, data);
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** The payload as an application sees it: a {@code String}, or a {@code byte[]} for binary. */
  public Object data() {
    return binary != null ? binary : text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnginePacket p && type == p.type && Objects.equals(text, p.text)
        && Arrays.equals(binary, p.binary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, text) * 31 + Arrays.hashCode(binary);
  }

  @Override
  public String toString() {
    return binary != null ? "EnginePacket[binary " + binary.length + " bytes]" : "EnginePacket[" + type + " " + text + "]";
  }
}
