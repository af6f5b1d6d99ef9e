package dev.belay.adapter;

import java.util.Collection;
import java.util.Set;

/**
 * Who a broadcast reaches: the sockets in any of {@code rooms} (every socket of the namespace when
 * empty) that are in none of {@code except}. A cluster carries it as {@code {rooms, except, flags}}.
 *
 * <pre>{@code
 * adapter.broadcast(packet, new BroadcastOptions(Set.of("room-1"), Set.of(sender.id()), BroadcastFlags.NONE));
 * }</pre>
 *
 * @param rooms target rooms; empty means all
 * @param except rooms whose sockets are left out
 * @param flags delivery flags
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
  public BroadcastOptions {
    rooms = Set.copyOf(rooms);
    except = Set.copyOf(except);
    if (flags == null) flags = BroadcastFlags.NONE;
  }

  /** Every socket. */
  public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.NONE);

  /** The same selection with other flags. */
  public BroadcastOptions withFlags(BroadcastFlags newFlags) {
    return new BroadcastOptions(rooms, except, newFlags);
  }

  /**
   * Whether a socket in {@code socketRooms} (its own id included) is selected: in one of the
   * target rooms (or any, when there are none) and in none of the excepted rooms.
   */
  public boolean matches(Collection<String> socketRooms) {
    boolean included = rooms.isEmpty();
    for (String room : socketRooms) {
      if (except.contains(room)) return false;
      if (!included && rooms.contains(room)) included = true;
    }
    return included;
  }
}
