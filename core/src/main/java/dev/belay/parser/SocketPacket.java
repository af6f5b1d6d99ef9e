package dev.belay.parser;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Socket.IO packet, decoded. {@code data} holds plain Java values: {@code String},
 * {@code Long}/{@code Double} (or any {@code Number} when encoding), {@code Boolean}, {@code null},
 * {@code Map<String, Object>}, {@code List<Object>} and {@code byte[]} (binary, anywhere inside).
 *
 * <pre>{@code
 * SocketPacket hello = SocketPacket.event("/", List.of("hello", "world"), null);
 * EncodedPacket wire = SocketEncoder.encode(hello);  // 2["hello","world"]
 * }</pre>
 *
 * @param type the packet type
 * @param namespace the namespace, {@code "/"} for the main one
 * @param id the acknowledgement id, or {@code null} when none is asked for
 * @param data the payload, or {@code null} when the packet has none (for example a bare CONNECT)
 * @param attachments the number of binary attachments announced (decoding); 0 for text packets
 */
public record SocketPacket(SocketPacketType type, String namespace, Long id, Object data, int attachments) {
  public SocketPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
    if (attachments < 0) throw new IllegalArgumentException("attachments must not be negative");
  }

  /** A CONNECT packet; {@code data} is the auth object (client) or {@code {"sid":…}} (server), or null. */
  public static SocketPacket connect(String namespace, Map<String, ?> data) {
    return new SocketPacket(SocketPacketType.CONNECT, namespace, null, data, 0);
  }

  /** A DISCONNECT packet. */
  public static SocketPacket disconnect(String namespace) {
    return new SocketPacket(SocketPacketType.DISCONNECT, namespace, null, null, 0);
  }

  /** An EVENT packet: {@code data} is the event name followed by its arguments. */
  public static SocketPacket event(String namespace, List<?> data, Long id) {
    return new SocketPacket(SocketPacketType.EVENT, namespace, id, data, 0);
  }

  /** An ACK packet answering event {@code id}. */
  public static SocketPacket ack(String namespace, List<?> data, long id) {
    return new SocketPacket(SocketPacketType.ACK, namespace, id, data, 0);
  }

  /** A CONNECT_ERROR packet: {@code {"message":…}} plus {@code "data"} when it is not null. */
  public static SocketPacket connectError(String namespace, String message, Object errorData) {
    Map<String, Object> payload = new java.util.LinkedHashMap<>();
    payload.put("message", message);
    if (errorData != null) payload.put("data", errorData);
    return new SocketPacket(SocketPacketType.CONNECT_ERROR, namespace, null, payload, 0);
  }

  /** For EVENT and BINARY_EVENT packets: the arguments after the event name. */
  @SuppressWarnings("unchecked")
  public List<Object> eventArguments() {
    List<Object> list = (List<Object>) data;
    return list.subList(1, list.size());
  }

  /** For EVENT and BINARY_EVENT packets: the event name. */
  public String eventName() {
    return (String) ((List<?>) data).get(0);
  }
}
