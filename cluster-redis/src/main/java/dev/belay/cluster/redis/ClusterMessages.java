package dev.belay.cluster.redis;

import dev.belay.Handshake;
import dev.belay.adapter.BroadcastFlags;
import dev.belay.adapter.BroadcastOptions;
import dev.belay.adapter.ClusterMessage;
import dev.belay.adapter.ClusterResponse;
import dev.belay.adapter.SocketDetails;
import dev.belay.parser.SocketPacket;
import dev.belay.parser.SocketPacketType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Maps the adapter's typed cluster records to the plain shapes the Node adapter puts on the wire
 * ({@link ClusterWireMessage}) and back: broadcast options as {@code {rooms, except, flags}},
 * packets as {@code {type: 2, data}}, sockets as {@code {id, handshake, rooms, data}} with a
 * Node-style handshake. Absent optional fields stay absent (Node tests {@code !== undefined}).
 *
 * <pre>{@code
 * ClusterWireMessage wire = ClusterMessages.toWire(new ClusterMessage.Heartbeat(uid, "/"));
 * Object typed = ClusterMessages.fromWire(wire);   // a ClusterMessage or a ClusterResponse
 * }</pre>
 *
 * <p>Pure and thread-safe; a payload of the wrong shape is a {@link ClusterWireException}.
 */
public final class ClusterMessages {
  private ClusterMessages() {}

  /** The wire form of a message. */
  public static ClusterWireMessage toWire(ClusterMessage message) {
    Map<String, Object> data = null;
    if (message instanceof ClusterMessage.Broadcast m) {
      data = new LinkedHashMap<>();
      data.put("packet", packet(m.packet()));
      if (m.requestId() != null) data.put("requestId", m.requestId());
      data.put("opts", options(m.opts()));
    } else if (message instanceof ClusterMessage.SocketsJoin m) {
      data = map("opts", options(m.opts()), "rooms", m.rooms());
    } else if (message instanceof ClusterMessage.SocketsLeave m) {
      data = map("opts", options(m.opts()), "rooms", m.rooms());
    } else if (message instanceof ClusterMessage.DisconnectSockets m) {
      data = map("opts", options(m.opts()), "close", m.close());
    } else if (message instanceof ClusterMessage.FetchSockets m) {
      data = map("opts", options(m.opts()), "requestId", m.requestId());
    } else if (message instanceof ClusterMessage.ServerSideEmit m) {
      data = new LinkedHashMap<>();
      if (m.requestId() != null) data.put("requestId", m.requestId());
      data.put("packet", m.packet());
    }
    return new ClusterWireMessage(message.uid(), message.nsp(), message.type().code(), data);
  }

  /** The wire form of a response. */
  public static ClusterWireMessage toWire(ClusterResponse response) {
    Map<String, Object> data;
    if (response instanceof ClusterResponse.FetchSocketsResponse r) {
      List<Object> sockets = new ArrayList<>(r.sockets().size());
      for (SocketDetails socket : r.sockets()) sockets.add(socket(socket));
      data = map("requestId", r.requestId(), "sockets", sockets);
    } else if (response instanceof ClusterResponse.ServerSideEmitResponse r) {
      data = map("requestId", r.requestId(), "packet", r.packet());
    } else if (response instanceof ClusterResponse.BroadcastClientCount r) {
      data = map("requestId", r.requestId(), "clientCount", r.clientCount());
    } else {
      ClusterResponse.BroadcastAck r = (ClusterResponse.BroadcastAck) response;
      data = map("requestId", r.requestId(), "packet", r.packet());
    }
    return new ClusterWireMessage(response.uid(), response.nsp(), response.type().code(), data);
  }

  /** Whether {@code type} is a response (8, 10, 11, 12), sent to one node. */
  public static boolean isResponse(int type) {
    return type == ClusterWireMessage.FETCH_SOCKETS_RESPONSE || type == ClusterWireMessage.SERVER_SIDE_EMIT_RESPONSE
        || type == ClusterWireMessage.BROADCAST_CLIENT_COUNT || type == ClusterWireMessage.BROADCAST_ACK;
  }

  /** The typed message of a wire message that is not a response; null for an unknown type. */
  public static ClusterMessage message(ClusterWireMessage wire) throws ClusterWireException {
    String uid = wire.uid();
    String nsp = wire.nsp();
    Map<String, Object> d = wire.data();
    switch (wire.type()) {
      case ClusterWireMessage.INITIAL_HEARTBEAT:
        return new ClusterMessage.InitialHeartbeat(uid, nsp);
      case ClusterWireMessage.HEARTBEAT:
        return new ClusterMessage.Heartbeat(uid, nsp);
      case ClusterWireMessage.ADAPTER_CLOSE:
        return new ClusterMessage.AdapterClose(uid, nsp);
      case ClusterWireMessage.BROADCAST:
        return new ClusterMessage.Broadcast(uid, nsp, packet(field(d, "packet", Map.class), nsp),
            options(field(d, "opts", Map.class)), optionalString(d, "requestId"));
      case ClusterWireMessage.SOCKETS_JOIN:
        return new ClusterMessage.SocketsJoin(uid, nsp, options(field(d, "opts", Map.class)), strings(field(d, "rooms", List.class)));
      case ClusterWireMessage.SOCKETS_LEAVE:
        return new ClusterMessage.SocketsLeave(uid, nsp, options(field(d, "opts", Map.class)), strings(field(d, "rooms", List.class)));
      case ClusterWireMessage.DISCONNECT_SOCKETS:
        return new ClusterMessage.DisconnectSockets(uid, nsp, options(field(d, "opts", Map.class)),
            Boolean.TRUE.equals(d.get("close")));
      case ClusterWireMessage.FETCH_SOCKETS:
        return new ClusterMessage.FetchSockets(uid, nsp, options(field(d, "opts", Map.class)), field(d, "requestId", String.class));
      case ClusterWireMessage.SERVER_SIDE_EMIT:
        return new ClusterMessage.ServerSideEmit(uid, nsp, optionalString(d, "requestId"), objects(field(d, "packet", List.class)));
      default:
        return null;
    }
  }

  /** The typed response of a wire response (see {@link #isResponse}). */
  public static ClusterResponse response(ClusterWireMessage wire) throws ClusterWireException {
    String uid = wire.uid();
    String nsp = wire.nsp();
    Map<String, Object> d = wire.data();
    String requestId = field(d, "requestId", String.class);
    switch (wire.type()) {
      case ClusterWireMessage.FETCH_SOCKETS_RESPONSE: {
        List<SocketDetails> sockets = new ArrayList<>();
        for (Object socket : field(d, "sockets", List.class)) {
          if (!(socket instanceof Map<?, ?> s)) throw new ClusterWireException("socket is not a map: " + socket);
          sockets.add(socket(s));
        }
        return new ClusterResponse.FetchSocketsResponse(uid, nsp, requestId, sockets);
      }
      case ClusterWireMessage.SERVER_SIDE_EMIT_RESPONSE:
        return new ClusterResponse.ServerSideEmitResponse(uid, nsp, requestId, d.get("packet"));
      case ClusterWireMessage.BROADCAST_CLIENT_COUNT: {
        Number count = field(d, "clientCount", Number.class);
        if (count.longValue() < 0 || count.longValue() > Integer.MAX_VALUE) {
          throw new ClusterWireException("clientCount out of range: " + count);
        }
        return new ClusterResponse.BroadcastClientCount(uid, nsp, requestId, count.intValue());
      }
      case ClusterWireMessage.BROADCAST_ACK:
        return new ClusterResponse.BroadcastAck(uid, nsp, requestId, d.get("packet"));
      default:
        throw new ClusterWireException("not a response type: " + wire.type());
    }
  }

  // ---------------------------------------------------------------- pieces

  /** A broadcast packet as Node 4.8 publishes it: {@code {type: 2, data}} (no nsp, no id). */
  private static Map<String, Object> packet(SocketPacket packet) {
    int type = packet.type() == SocketPacketType.BINARY_EVENT ? SocketPacketType.EVENT.code() : packet.type().code();
    return map("type", type, "data", packet.data());
  }

  private static SocketPacket packet(Map<?, ?> packet, String nsp) throws ClusterWireException {
    Object type = packet.get("type");
    if (!(type instanceof Long code)) throw new ClusterWireException("packet without a numeric type: " + type);
    SocketPacketType packetType = SocketPacketType.fromCode(code.intValue());
    if (packetType == null) throw new ClusterWireException("unknown packet type " + code);
    if (packetType == SocketPacketType.BINARY_EVENT) packetType = SocketPacketType.EVENT;
    if (packetType != SocketPacketType.EVENT || !(packet.get("data") instanceof List<?> data) || data.isEmpty()
        || !(data.get(0) instanceof String)) {
      throw new ClusterWireException("a broadcast packet must be an event with a name: " + packet);
    }
    return new SocketPacket(packetType, nsp, null, objects(data), 0);
  }

  private static Map<String, Object> options(BroadcastOptions opts) {
    Map<String, Object> flags = new LinkedHashMap<>();
    if (opts.flags().isVolatile()) flags.put("volatile", true);
    if (opts.flags().local()) flags.put("local", true);
    if (opts.flags().timeout() != null) flags.put("timeout", opts.flags().timeout());
    return map("rooms", List.copyOf(opts.rooms()), "except", List.copyOf(opts.except()), "flags", flags);
  }

  private static BroadcastOptions options(Map<?, ?> opts) throws ClusterWireException {
    List<String> rooms = opts.get("rooms") == null ? List.of() : strings(field(opts, "rooms", List.class));
    List<String> except = opts.get("except") == null ? List.of() : strings(field(opts, "except", List.class));
    BroadcastFlags flags = BroadcastFlags.NONE;
    if (opts.get("flags") instanceof Map<?, ?> f) {
      Long timeout = f.get("timeout") instanceof Number n && n.longValue() > 0 ? n.longValue() : null;
      flags = new BroadcastFlags(Boolean.TRUE.equals(f.get("volatile")), Boolean.TRUE.equals(f.get("local")), timeout);
    }
    return new BroadcastOptions(new LinkedHashSet<>(rooms), new LinkedHashSet<>(except), flags);
  }

  /** A socket as Node's fetchSockets response carries it; the handshake as Node's {@code socket.handshake}. */
  private static Map<String, Object> socket(SocketDetails socket) {
    Handshake h = socket.handshake();
    Map<String, Object> headers = new LinkedHashMap<>();
    h.headers().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", values)));
    Map<String, Object> query = new LinkedHashMap<>();
    h.query().forEach((name, values) -> query.put(name, values.size() == 1 ? values.get(0) : List.copyOf(values)));
    Map<String, Object> handshake = new LinkedHashMap<>();
    handshake.put("headers", headers);
    handshake.put("time", h.time());
    handshake.put("address", h.address());
    handshake.put("xdomain", h.header("origin") != null);
    handshake.put("secure", h.secure());
    handshake.put("issued", h.issued());
    handshake.put("url", h.url());
    handshake.put("query", query);
    handshake.put("auth", h.auth());
    return map("id", socket.id(), "handshake", handshake, "rooms", socket.rooms(), "data", socket.data());
  }

  @SuppressWarnings("unchecked")
  private static SocketDetails socket(Map<?, ?> socket) throws ClusterWireException {
    String id = field(socket, "id", String.class);
    Map<?, ?> h = socket.get("handshake") instanceof Map<?, ?> m ? m : Map.of();
    Handshake handshake = new Handshake(multiMap(h.get("headers")), multiMap(h.get("query")),
        h.get("auth") instanceof Map<?, ?> auth ? (Map<String, Object>) auth : Map.of(),
        h.get("address") instanceof String a ? a : "", h.get("time") instanceof String t ? t : "",
        h.get("issued") instanceof Number n ? n.longValue() : 0L, h.get("url") instanceof String u ? u : "",
        Boolean.TRUE.equals(h.get("secure")));
    List<String> rooms = socket.get("rooms") == null ? List.of() : strings(field(socket, "rooms", List.class));
    Map<String, Object> data = socket.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
    return new SocketDetails(id, handshake, rooms, data);
  }

  private static Map<String, List<String>> multiMap(Object value) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        if (v instanceof List<?> list) {
          List<String> values = new ArrayList<>();
          for (Object item : list) values.add(String.valueOf(item));
          out.put(String.valueOf(k), List.copyOf(values));
        } else if (v != null) {
          out.put(String.valueOf(k), List.of(String.valueOf(v)));
        }
      });
    }
    return out;
  }

  private static <T> T field(Map<?, ?> data, String name, Class<T> type) throws ClusterWireException {
    if (data == null) throw new ClusterWireException("message without data (needs " + name + ")");
    Object value = data.get(name);
    if (!type.isInstance(value)) {
      throw new ClusterWireException(name + " must be a " + type.getSimpleName() + ", got " + value);
    }
    return type.cast(value);
  }

  private static String optionalString(Map<?, ?> data, String name) throws ClusterWireException {
    Object value = data == null ? null : data.get(name);
    if (value == null) return null;
    if (!(value instanceof String s)) throw new ClusterWireException(name + " must be a string, got " + value);
    return s;
  }

  private static List<String> strings(List<?> list) throws ClusterWireException {
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) throw new ClusterWireException("expected a room name, got " + item);
      out.add(s);
    }
    return out;
  }

  private static List<Object> objects(List<?> list) {
    return new ArrayList<>(list);
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }
}
