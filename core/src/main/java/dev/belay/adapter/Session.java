package dev.belay.adapter;

import java.util.List;
import java.util.Map;

/**
 * A restored session: the persisted state and the packets its client missed.
 *
 * <pre>{@code
 * adapter.restoreSession(pid, offset).thenAccept(result -> {
 *   if (result.restored()) result.session().missedPackets().forEach(data -> replay(data));
 * });
 * }</pre>
 *
 * @param sid the socket id to reuse
 * @param pid the private session id (the restored socket keeps it)
 * @param rooms the rooms to join again
 * @param data the application's data to put back
 * @param missedPackets the event data (name, arguments, offset last) of every stored packet after
 *     the client's offset that the session's rooms would have received, in emit order
 * @param resumePoint where the session's client resumes from if it still gets no packet before
 *     its next drop (see {@link SessionToPersist#resumePoint()}), or null
 */
public record Session(String sid, String pid, List<String> rooms, Map<String, Object> data,
    List<List<Object>> missedPackets, String resumePoint) {
  public Session {
    rooms = List.copyOf(rooms);
    missedPackets = List.copyOf(missedPackets);
  }

  /** A session whose resume point is unknown. */
  public Session(String sid, String pid, List<String> rooms, Map<String, Object> data, List<List<Object>> missedPackets) {
    this(sid, pid, rooms, data, missedPackets, null);
  }
}
