package dev.belay.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes Socket.IO v5 packets: {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}.
 * Pure and thread-safe. {@code byte[]} values anywhere in the payload (nested in lists and maps)
 * are replaced by {@code {"_placeholder":true,"num":N}} and returned as attachments; an EVENT or
 * ACK that holds binary goes out as BINARY_EVENT or BINARY_ACK.
 *
 * <pre>{@code
 * EncodedPacket wire = SocketEncoder.encode(
 *     SocketPacket.event("/admin", List.of("baz", new byte[] {1, 2}), null));
 * // wire.text() == "51-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0}]"
 * }</pre>
 *
 * <p>Payload values must be plain: {@code String}, {@code Number}, {@code Boolean}, {@code null},
 * {@code Map}, {@code List} (or another {@code Iterable}), arrays of objects and {@code byte[]}.
 * Anything else is an {@link IllegalArgumentException}: map application objects to plain values
 * first (the event API does that through its {@code JsonMapper}).
 */
public final class SocketEncoder {
  private SocketEncoder() {}

  /** Encodes {@code packet}; its {@code attachments} field is ignored (the count comes from the data). */
  public static EncodedPacket encode(SocketPacket packet) {
    List<byte[]> attachments = new ArrayList<>();
    String json = packet.data() == null && isDataOptional(packet.type()) ? null : toJson(packet.data(), attachments);
    SocketPacketType type = packet.type();
    if (!attachments.isEmpty()) {
      if (type == SocketPacketType.EVENT) type = SocketPacketType.BINARY_EVENT;
      else if (type == SocketPacketType.ACK) type = SocketPacketType.BINARY_ACK;
      else if (!type.isBinary()) {
        throw new IllegalArgumentException(type + " packets cannot carry binary data");
      }
    }
    StringBuilder out = new StringBuilder(16 + (json == null ? 0 : json.length()));
    out.append((char) ('0' + type.code()));
    if (type.isBinary()) out.append(attachments.size()).append('-');
    if (!"/".equals(packet.namespace())) out.append(packet.namespace()).append(',');
    if (packet.id() != null) out.append(packet.id().longValue());
    if (json != null) out.append(json);
    return new EncodedPacket(out.toString(), attachments, packet);
  }

  private static boolean isDataOptional(SocketPacketType type) {
    return type == SocketPacketType.CONNECT || type == SocketPacketType.DISCONNECT;
  }

  /** Writes {@code value} as JSON, extracting binary into {@code attachments}. */
  static String toJson(Object value, List<byte[]> attachments) {
    StringBuilder out = new StringBuilder(64);
    write(out, value, attachments, 0);
    return out.toString();
  }

  private static final int MAX_DEPTH = 200;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static void write(StringBuilder out, Object value, List<byte[]> attachments, int depth) {
    if (depth > MAX_DEPTH) throw new IllegalArgumentException("payload nested deeper than " + MAX_DEPTH);
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      writeFloatingPoint(out, ((Number) value).doubleValue());
    } else if (value instanceof Number n) {
      writeOtherNumber(out, n);
    } else if (value instanceof byte[] bytes) {
      out.append("{\"_placeholder\":true,\"num\":").append(attachments.size()).append('}');
      attachments.add(bytes);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) out.append(',');
        first = false;
        writeString(out, String.valueOf(e.getKey()));
        out.append(':');
        write(out, e.getValue(), attachments, depth + 1);
      }
      out.append('}');
    } else if (value instanceof List<?> list && list instanceof java.util.RandomAccess) {
      out.append('[');
      for (int i = 0, n = list.size(); i < n; i++) {
        if (i > 0) out.append(',');
        write(out, list.get(i), attachments, depth + 1);
      }
      out.append(']');
    } else if (value instanceof Iterable<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) out.append(',');
        first = false;
        write(out, item, attachments, depth + 1);
      }
      out.append(']');
    } else if (value instanceof Object[] array) {
      out.append('[');
      for (int i = 0; i < array.length; i++) {
        if (i > 0) out.append(',');
        write(out, array[i], attachments, depth + 1);
      }
      out.append(']');
    } else if (value instanceof Character c) {
      writeString(out, c.toString());
    } else {
      throw new IllegalArgumentException("not a plain JSON value: " + value.getClass().getName());
    }
  }

  /**
   * A JSON string as JavaScript's {@code JSON.stringify} writes it (quote, backslash and control
   * characters escaped, lone surrogates as {@code \\uXXXX}), and U+2028/U+2029 escaped too so the
   * text is also a valid JavaScript literal.
   */
  static void writeString(StringBuilder out, String s) {
    out.append('"');
    int run = 0; // start of the current stretch that needs no escaping
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x2028 || c > 0x2029) && (c < 0xd800 || c > 0xdfff)) continue;
      String escape = escape(s, i, c);
      if (escape == null) continue;
      out.append(s, run, i).append(escape);
      run = i + 1;
    }
    out.append(s, run, s.length()).append('"');
  }

  /** The escape for the character at {@code i}, or null when it goes out as it is. */
  private static String escape(String s, int i, char c) {
    switch (c) {
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      case '\b': return "\\b";
      case '\f': return "\\f";
      case '\u2028': return "\\u2028";
      case '\u2029': return "\\u2029";
      default:
        if (c < 0x20) return unicodeEscape(c);
        if (Character.isHighSurrogate(c)) {
          return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? null : unicodeEscape(c);
        }
        if (Character.isLowSurrogate(c)) {
          return i > 0 && Character.isHighSurrogate(s.charAt(i - 1)) ? null : unicodeEscape(c);
        }
        return null;
    }
  }

  private static String unicodeEscape(char c) {
    return new String(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xf], HEX[(c >> 4) & 0xf], HEX[c & 0xf]});
  }

  /** BigDecimal, BigInteger, AtomicLong and the like: their decimal form, if it is a JSON number. */
  private static void writeOtherNumber(StringBuilder out, Number n) {
    String text = n.toString();
    if (!VALID_NUMBER.matcher(text).matches()) {
      throw new IllegalArgumentException("not a JSON number: " + text + " (" + n.getClass().getName() + ")");
    }
    out.append(text);
  }

  private static final java.util.regex.Pattern VALID_NUMBER =
      java.util.regex.Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?");

  /** As JavaScript's JSON.stringify: integral values without a fraction, NaN and infinities as null. */
  private static void writeFloatingPoint(StringBuilder out, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      out.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 && !(d == 0 && 1 / d < 0)) {
      out.append((long) d);
    } else {
      out.append(Double.toString(d));
    }
  }
}
