package dev.belay.adapter;

import dev.belay.Handshake;
import java.util.List;
import java.util.Map;

/**
 * A socket as one node describes it to another in a fetch-sockets response
 * ({@code {id, handshake, rooms, data}} in socket.io-adapter's cluster protocol).
 *
 * <pre>{@code
 * SocketDetails details = SocketDetails.of(socket);   // what FETCH_SOCKETS_RESPONSE carries
 * RemoteSocket proxy = namespace.remoteSocket(details);
 * }</pre>
 *
 * @param id the socket id
 * @param handshake what the client presented when it joined
 * @param rooms the socket's rooms, its own id included
 * @param data the application's data attached to the socket (plain values)
 */
public record SocketDetails(String id, Handshake handshake, List<String> rooms, Map<String, Object> data) {
  public SocketDetails {
    rooms = List.copyOf(rooms);
    data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
  }

  /** A snapshot of {@code socket}. */
  public static SocketDetails of(dev.belay.RemoteSocket socket) {
    return new SocketDetails(socket.id(), socket.handshake(), List.copyOf(socket.rooms()), socket.data());
  }
}
