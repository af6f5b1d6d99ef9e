package dev.belay.adapter;

import java.util.List;
import java.util.Objects;

/**
 * A response one node sends to the node that made a request, after socket.io-adapter's
 * {@code ClusterResponse}: {@code uid} (the responder), {@code nsp}, the type, then the fields of
 * its {@code data} object ({@code requestId} first) as components of the same names.
 *
 * <pre>{@code
 * ClusterResponse answer = new ClusterResponse.BroadcastClientCount(uid, "/", requestId, 3);
 * transport.publishResponse(requesterUid, answer);
 * }</pre>
 */
public sealed interface ClusterResponse {
  /** The node id of the responder. */
  String uid();

  String nsp();

  MessageType type();

  /** The request this answers. */
  String requestId();

  /** {@code FETCH_SOCKETS_RESPONSE}: the responder's selected sockets. */
  record FetchSocketsResponse(String uid, String nsp, String requestId, List<SocketDetails> sockets)
      implements ClusterResponse {
    public FetchSocketsResponse {
      Objects.requireNonNull(requestId, "requestId");
      sockets = List.copyOf(sockets);
    }

    public MessageType type() { return MessageType.FETCH_SOCKETS_RESPONSE; }
  }

  /** {@code SERVER_SIDE_EMIT_RESPONSE}: the responder's answer (its first acknowledgement argument). */
  record ServerSideEmitResponse(String uid, String nsp, String requestId, Object packet) implements ClusterResponse {
    public ServerSideEmitResponse {
      Objects.requireNonNull(requestId, "requestId");
    }

    public MessageType type() { return MessageType.SERVER_SIDE_EMIT_RESPONSE; }
  }

  /** {@code BROADCAST_CLIENT_COUNT}: how many of the responder's clients got a broadcast with acks. */
  record BroadcastClientCount(String uid, String nsp, String requestId, int clientCount) implements ClusterResponse {
    public BroadcastClientCount {
      Objects.requireNonNull(requestId, "requestId");
      if (clientCount < 0) throw new IllegalArgumentException("clientCount must not be negative");
    }

    public MessageType type() { return MessageType.BROADCAST_CLIENT_COUNT; }
  }

  /** {@code BROADCAST_ACK}: one client's answer (its first acknowledgement argument). */
  record BroadcastAck(String uid, String nsp, String requestId, Object packet) implements ClusterResponse {
    public BroadcastAck {
      Objects.requireNonNull(requestId, "requestId");
    }

    public MessageType type() { return MessageType.BROADCAST_ACK; }
  }
}
