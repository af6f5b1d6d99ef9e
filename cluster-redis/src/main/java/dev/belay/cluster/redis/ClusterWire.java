package dev.belay.cluster.redis;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.belay.parser.PlainJson;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two encodings the Node Redis Streams adapter puts cluster messages in, so a Belay node and a
 * Node node read each other (docs/PROTOCOL.md, "Cluster wire format"):
 *
 * <ul>
 *   <li>a stream entry: string fields {@code uid}, {@code nsp}, {@code type} (decimal) and, when
 *       there is a payload, {@code data}: the payload as JSON, or as base64 of its MessagePack when
 *       it holds binary and its type may carry binary;
 *   <li>a Pub/Sub payload: the whole message as one MessagePack map {@code {type, data, uid, nsp}}.
 * </ul>
 *
 * <pre>{@code
 * Map<String, String> fields = ClusterWire.toStreamFields(message);   // XADD socket.io * uid … nsp / type 3 data {…}
 * ClusterWireMessage back = ClusterWire.fromStreamFields(fields);
 * }</pre>
 *
 * <p>Pure and thread-safe. Decoding never throws anything but {@link ClusterWireException}.
 */
public final class ClusterWire {
  private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private ClusterWire() {}

  /** The fields of the stream entry for {@code message}, in the Node adapter's order. */
  public static Map<String, String> toStreamFields(ClusterWireMessage message) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("uid", message.uid());
    fields.put("nsp", message.nsp());
    fields.put("type", Integer.toString(message.type()));
    if (message.data() != null && !message.data().isEmpty()) {
      if (mayContainBinary(message.type()) && hasBinary(message.data())) {
        fields.put("data", Base64.getEncoder().encodeToString(MessagePack.encode(message.data())));
      } else {
        fields.put("data", JSON.toJson(message.data()));
      }
    }
    return fields;
  }

  /**
   * Reads a stream entry. An entry without {@code nsp} is not a cluster message (the Node adapter
   * skips it too): the caller should check {@link #isClusterEntry} first.
   */
  public static ClusterWireMessage fromStreamFields(Map<String, String> fields) throws ClusterWireException {
    String uid = require(fields, "uid");
    String nsp = require(fields, "nsp");
    int type = parseType(require(fields, "type"));
    String raw = fields.get("data");
    Map<String, Object> data = null;
    if (raw != null && !raw.isEmpty()) {
      Object value;
      if (raw.startsWith("{")) {
        try {
          value = PlainJson.parse(raw);
        } catch (IOException e) {
          throw new ClusterWireException("malformed JSON in data: " + e.getMessage(), e);
        }
      } else {
        byte[] bytes;
        try {
          bytes = Base64.getDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
          throw new ClusterWireException("data is neither JSON nor base64: " + e.getMessage(), e);
        }
        value = MessagePack.decode(bytes);
      }
      data = asMap(value, "data");
    }
    return new ClusterWireMessage(uid, nsp, type, data);
  }

  /** Whether a stream entry is a cluster message (it names a namespace). */
  public static boolean isClusterEntry(Map<String, String> fields) {
    String nsp = fields.get("nsp");
    return nsp != null && !nsp.isEmpty();
  }

  /** The Pub/Sub payload for {@code message}: one MessagePack map. */
  public static byte[] toPubSub(ClusterWireMessage message) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", message.type());
    if (message.data() != null) map.put("data", message.data());
    map.put("uid", message.uid());
    map.put("nsp", message.nsp());
    return MessagePack.encode(map);
  }

  /** Reads a Pub/Sub payload. */
  public static ClusterWireMessage fromPubSub(byte[] payload) throws ClusterWireException {
    Map<String, Object> map = asMap(MessagePack.decode(payload), "message");
    if (!(map.get("uid") instanceof String uid)) throw new ClusterWireException("message without a string uid");
    if (!(map.get("nsp") instanceof String nsp)) throw new ClusterWireException("message without a string nsp");
    if (!(map.get("type") instanceof Long type) || type < 0 || type > Integer.MAX_VALUE) {
      throw new ClusterWireException("message without an integer type: " + map.get("type"));
    }
    Object data = map.get("data");
    return new ClusterWireMessage(uid, nsp, type.intValue(), data == null ? null : asMap(data, "data"));
  }

  /** The types whose payload may hold binary, and so may be MessagePack in a stream entry. */
  static boolean mayContainBinary(int type) {
    return type == ClusterWireMessage.BROADCAST || type == ClusterWireMessage.FETCH_SOCKETS_RESPONSE
        || type == ClusterWireMessage.SERVER_SIDE_EMIT || type == ClusterWireMessage.SERVER_SIDE_EMIT_RESPONSE
        || type == ClusterWireMessage.BROADCAST_ACK;
  }

  /** Whether {@code value} holds a {@code byte[]} anywhere inside. */
  static boolean hasBinary(Object value) {
    if (value instanceof byte[]) return true;
    if (value instanceof List<?> list) {
      for (Object item : list) if (hasBinary(item)) return true;
    } else if (value instanceof Map<?, ?> map) {
      for (Object item : map.values()) if (hasBinary(item)) return true;
    }
    return false;
  }

  private static String require(Map<String, String> fields, String name) throws ClusterWireException {
    String value = fields.get(name);
    if (value == null) throw new ClusterWireException("stream entry without " + name);
    return value;
  }

  private static int parseType(String text) throws ClusterWireException {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ClusterWireException("type is not a decimal integer: " + text, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value, String what) throws ClusterWireException {
    if (value instanceof Map<?, ?> map) return (Map<String, Object>) map;
    throw new ClusterWireException(what + " is not a map: " + value);
  }
}
