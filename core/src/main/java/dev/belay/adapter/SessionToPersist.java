package dev.belay.adapter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state of a socket that disconnected unexpectedly, kept so that its client can take it back.
 *
 * <pre>{@code
 * adapter.persistSession(new SessionToPersist(socket.id(), pid, List.copyOf(socket.rooms()), socket.data()));
 * }</pre>
 *
 * @param sid the socket id, public (other clients may know it)
 * @param pid the private session id: an unguessable secret, known only to the client, distinct from {@code sid}
 * @param rooms the socket's rooms when it left, its own id included
 * @param data the application's data attached to the socket (plain values)
 * @param resumePoint where a client that got no packet yet resumes from: {@link Adapter#resumePoint()}
 *     when the socket was first created, {@code ""} for every stored packet, null when unknown
 */
public record SessionToPersist(String sid, String pid, List<String> rooms, Map<String, Object> data,
    String resumePoint) {
  public SessionToPersist {
    Objects.requireNonNull(sid, "sid");
    Objects.requireNonNull(pid, "pid");
    rooms = List.copyOf(rooms);
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** A session whose resume point is unknown: a client that got no packet cannot take it back. */
  public SessionToPersist(String sid, String pid, List<String> rooms, Map<String, Object> data) {
    this(sid, pid, rooms, data, null);
  }
}
