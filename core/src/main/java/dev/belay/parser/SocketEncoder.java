package dev.belay.parser;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
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
    return new EncodedPacket(out.toString(), attachments);
  }

  private static boolean isDataOptional(SocketPacketType type) {
    return type == SocketPacketType.CONNECT || type == SocketPacketType.DISCONNECT;
  }

  /** Writes {@code value} as JSON, extracting binary into {@code attachments}. */
  static String toJson(Object value, List<byte[]> attachments) {
    StringWriter text = new StringWriter();
    try (JsonWriter writer = new JsonWriter(text)) {
      writer.setSerializeNulls(true);
      write(writer, value, attachments, 0);
    } catch (IOException e) {
      throw new IllegalStateException("StringWriter cannot fail", e);
    }
    return text.toString();
  }

  private static final int MAX_DEPTH = 200;

  private static void write(JsonWriter writer, Object value, List<byte[]> attachments, int depth) throws IOException {
    if (depth > MAX_DEPTH) throw new IllegalArgumentException("payload nested deeper than " + MAX_DEPTH);
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof String s) {
      writer.value(s);
    } else if (value instanceof Boolean b) {
      writer.value(b.booleanValue());
    } else if (value instanceof Double || value instanceof Float) {
      writeFloatingPoint(writer, ((Number) value).doubleValue());
    } else if (value instanceof Number n) {
      writer.value(n);
    } else if (value instanceof byte[] bytes) {
      writer.beginObject().name("_placeholder").value(true).name("num").value(attachments.size()).endObject();
      attachments.add(bytes);
    } else if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        writer.name(String.valueOf(e.getKey()));
        write(writer, e.getValue(), attachments, depth + 1);
      }
      writer.endObject();
    } else if (value instanceof Iterable<?> list) {
      writer.beginArray();
      for (Object item : list) write(writer, item, attachments, depth + 1);
      writer.endArray();
    } else if (value instanceof Object[] array) {
      writer.beginArray();
      for (Object item : array) write(writer, item, attachments, depth + 1);
      writer.endArray();
    } else if (value instanceof Character c) {
      writer.value(c.toString());
    } else {
      throw new IllegalArgumentException("not a plain JSON value: " + value.getClass().getName());
    }
  }

  /** As JavaScript's JSON.stringify: integral values without a fraction, NaN and infinities as null. */
  private static void writeFloatingPoint(JsonWriter writer, double d) throws IOException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      writer.nullValue();
    } else if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 && !(d == 0 && 1 / d < 0)) {
      writer.value((long) d);
    } else {
      writer.value(d);
    }
  }
}
