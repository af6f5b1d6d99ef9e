package dev.belay.adapter;

import dev.belay.parser.SocketPacket;
import java.util.List;
import java.util.Objects;

/**
 * A message one node publishes to every other node of a cluster, after socket.io-adapter's
 * {@code ClusterMessage}: {@code uid} (the sender's node id) and {@code nsp} (the namespace), then
 * the type, then the fields of its {@code data} object as components of the same names. A transport
 * maps each record 1:1 onto its encoding (the Redis one onto the Node adapter's MessagePack
 * object {@code {uid, nsp, type, data: {...}}}).
 *
 * <pre>{@code
 * ClusterMessage message = new ClusterMessage.Broadcast("a1b2c3", "/", packet, options, null);
 * switch (message) {
 *   case ClusterMessage.Broadcast b -> deliver(b.packet(), b.opts());
 *   default -> { }
 * }
 * }</pre>
 */
public sealed interface ClusterMessage {
  /** The node id of the sender. */
  String uid();

  /** The namespace the message is about. */
  String nsp();

  MessageType type();

  /** {@code INITIAL_HEARTBEAT}: a node started; the others answer with a heartbeat. */
  record InitialHeartbeat(String uid, String nsp) implements ClusterMessage {
    public MessageType type() { return MessageType.INITIAL_HEARTBEAT; }
  }

  /** {@code HEARTBEAT}: the node is alive. */
  record Heartbeat(String uid, String nsp) implements ClusterMessage {
    public MessageType type() { return MessageType.HEARTBEAT; }
  }

  /** {@code ADAPTER_CLOSE}: the node leaves. */
  record AdapterClose(String uid, String nsp) implements ClusterMessage {
    public MessageType type() { return MessageType.ADAPTER_CLOSE; }
  }

  /**
   * {@code BROADCAST}: deliver {@code packet} (an EVENT, namespace set, no ack id) to the sockets
   * {@code opts} selects. With a {@code requestId}, each node assigns its own ack id, answers
   * {@code BROADCAST_CLIENT_COUNT} once and {@code BROADCAST_ACK} per client answer.
   */
  record Broadcast(String uid, String nsp, SocketPacket packet, BroadcastOptions opts, String requestId)
      implements ClusterMessage {
    public Broadcast {
      Objects.requireNonNull(packet, "packet");
      Objects.requireNonNull(opts, "opts");
    }

    public MessageType type() { return MessageType.BROADCAST; }
  }

  /** {@code SOCKETS_JOIN}: the selected sockets join {@code rooms}. */
  record SocketsJoin(String uid, String nsp, BroadcastOptions opts, List<String> rooms) implements ClusterMessage {
    public SocketsJoin {
      rooms = List.copyOf(rooms);
    }

    public MessageType type() { return MessageType.SOCKETS_JOIN; }
  }

  /** {@code SOCKETS_LEAVE}: the selected sockets leave {@code rooms}. */
  record SocketsLeave(String uid, String nsp, BroadcastOptions opts, List<String> rooms) implements ClusterMessage {
    public SocketsLeave {
      rooms = List.copyOf(rooms);
    }

    public MessageType type() { return MessageType.SOCKETS_LEAVE; }
  }

  /** {@code DISCONNECT_SOCKETS}: the selected sockets disconnect; {@code close} closes their connections. */
  record DisconnectSockets(String uid, String nsp, BroadcastOptions opts, boolean close) implements ClusterMessage {
    public MessageType type() { return MessageType.DISCONNECT_SOCKETS; }
  }

  /** {@code FETCH_SOCKETS}: answer {@code FETCH_SOCKETS_RESPONSE} with the selected sockets. */
  record FetchSockets(String uid, String nsp, BroadcastOptions opts, String requestId) implements ClusterMessage {
    public FetchSockets {
      Objects.requireNonNull(requestId, "requestId");
    }

    public MessageType type() { return MessageType.FETCH_SOCKETS; }
  }

  /**
   * {@code SERVER_SIDE_EMIT}: {@code packet} is the event name then its arguments; with a
   * {@code requestId}, answer {@code SERVER_SIDE_EMIT_RESPONSE} once.
   */
  record ServerSideEmit(String uid, String nsp, String requestId, List<Object> packet) implements ClusterMessage {
    public ServerSideEmit {
      packet = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(packet));
    }

    public MessageType type() { return MessageType.SERVER_SIDE_EMIT; }
  }
}
