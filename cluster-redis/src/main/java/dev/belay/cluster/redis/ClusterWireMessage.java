package dev.belay.cluster.redis;

import java.util.Map;
import java.util.Objects;

/**
 * One message or response of Socket.IO's cluster protocol as it travels between nodes: the
 * sending node's id, the namespace, the type code (1 = INITIAL_HEARTBEAT … 13 = ADAPTER_CLOSE) and
 * the type's payload as plain values ({@code null} for types without one). The adapter layer maps
 * it to and from its typed records; {@link ClusterWire} maps it to and from Redis.
 *
 * <pre>{@code
 * ClusterWireMessage join = new ClusterWireMessage("3f9a0c1d2e4b5a69", "/", ClusterWireMessage.SOCKETS_JOIN,
 *     Map.of("opts", Map.of("rooms", List.of(), "except", List.of(), "flags", Map.of()), "rooms", List.of("r1")));
 * }</pre>
 *
 * @param uid the id of the node that sent it (16 hex digits on Node; {@code "emitter"} for the emitter)
 * @param nsp the namespace name
 * @param type the message type code
 * @param data the payload, or {@code null}
 */
public record ClusterWireMessage(String uid, String nsp, int type, Map<String, Object> data) {
  public static final int INITIAL_HEARTBEAT = 1;
  public static final int HEARTBEAT = 2;
  public static final int BROADCAST = 3;
  public static final int SOCKETS_JOIN = 4;
  public static final int SOCKETS_LEAVE = 5;
  public static final int DISCONNECT_SOCKETS = 6;
  public static final int FETCH_SOCKETS = 7;
  public static final int FETCH_SOCKETS_RESPONSE = 8;
  public static final int SERVER_SIDE_EMIT = 9;
  public static final int SERVER_SIDE_EMIT_RESPONSE = 10;
  public static final int BROADCAST_CLIENT_COUNT = 11;
  public static final int BROADCAST_ACK = 12;
  public static final int ADAPTER_CLOSE = 13;

  public ClusterWireMessage {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(nsp, "nsp");
  }

  /**
   * Whether the Node adapter sends this over Pub/Sub rather than the stream: requests whose answers
   * only matter now (broadcast with acks, server-side emits, fetchSockets) are not kept for
   * recovery. Responses always go over Pub/Sub, to the requester's own channel.
   */
  public boolean isEphemeral() {
    return (type == BROADCAST && data != null && data.get("requestId") != null)
        || type == SERVER_SIDE_EMIT || type == FETCH_SOCKETS;
  }
}
