package dev.belay.engine.parser;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Pure encoder and decoder of Engine.IO v4 packets and long-polling payloads. No I/O, no state.
 *
 * <ul>
 *   <li>A text packet is its type digit followed by its data: {@code 4hello}.
 *   <li>In a payload (polling, SSE) a binary message is {@code b} followed by base64.
 *   <li>A payload joins packets with the record separator {@code \u001e}.
 *   <li>On WebSocket a binary frame is a binary message, with no prefix.
 * </ul>
 *
 * <pre>{@code
 * List<EnginePacket> packets = EngineCodec.decodePayload("4hello\u001ebAQID");
 * String body = EngineCodec.encodePayload(packets);
 * }</pre>
 */
public final class EngineCodec {
  /** The record separator between packets of a payload. */
  public static final char SEPARATOR = '\u001e';

  private EngineCodec() {}

  /**
   * Encodes a packet as text: the type digit and data, or {@code b} + base64 for binary.
   * This is the form of a WebSocket text frame and of one packet in a payload.
   */
  public static String encodePacket(EnginePacket packet) {
    if (packet.isBinary()) {
      return "b" + Base64.getEncoder().encodeToString(packet.binary());
    }
    String text = packet.text();
    if (text.isEmpty()) return String.valueOf(packet.type().code());
    return packet.type().code() + text;
  }

  /** Joins packets into a polling payload. */
  public static String encodePayload(List<EnginePacket> packets) {
    if (packets.size() == 1) return encodePacket(packets.get(0));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < packets.size(); i++) {
      if (i > 0) sb.append(SEPARATOR);
      sb.append(encodePacket(packets.get(i)));
    }
    return sb.toString();
  }

  /** Decodes one text packet (a WebSocket text frame, or one packet of a payload). */
  public static EnginePacket decodePacket(String text) {
    if (text == null || text.isEmpty()) throw new EngineParseException("empty packet");
    char first = text.charAt(0);
    if (first == 'b') {
      try {
        return EnginePacket.binary(Base64.getDecoder().decode(withoutWhitespace(text, 1)));
      } catch (IllegalArgumentException e) {
        throw new EngineParseException("invalid base64 in binary packet");
      }
    }
    EnginePacketType type = EnginePacketType.fromCode(first);
    if (type == null) throw new EngineParseException("unknown packet type '" + printable(first) + "'");
    return EnginePacket.of(type, text.substring(1));
  }

  /**
   * The base64 part of a binary packet without line breaks or spaces: some clients (the Java
   * socket.io-client) end it with a newline, as MIME base64 does. Anything else stays, so that a
   * character outside the alphabet is still an error.
   */
  private static String withoutWhitespace(String text, int from) {
    int end = text.length();
    boolean clean = true;
    for (int i = from; i < end && clean; i++) clean = !isBase64Whitespace(text.charAt(i));
    if (clean) return text.substring(from);
    StringBuilder sb = new StringBuilder(end - from);
    for (int i = from; i < end; i++) {
      char c = text.charAt(i);
      if (!isBase64Whitespace(c)) sb.append(c);
    }
    return sb.toString();
  }

  private static boolean isBase64Whitespace(char c) {
    return c == '\n' || c == '\r' || c == ' ' || c == '\t';
  }

  /** Decodes a WebSocket binary frame: always a binary message. */
  public static EnginePacket decodeBinary(byte[] frame) {
    return EnginePacket.binary(frame);
  }

  /** Splits a payload at the record separators and decodes each packet. */
  public static List<EnginePacket> decodePayload(String payload) {
    if (payload == null || payload.isEmpty()) throw new EngineParseException("empty payload");
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = payload.indexOf(SEPARATOR, start);
      if (end < 0) {
        packets.add(decodePacket(payload.substring(start)));
        return packets;
      }
      packets.add(decodePacket(payload.substring(start, end)));
      start = end + 1;
    }
  }

  /** Decodes UTF-8 strictly: malformed or truncated sequences are an error, not U+FFFD. */
  public static String decodeUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new EngineParseException("invalid UTF-8");
    }
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
