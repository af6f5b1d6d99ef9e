package dev.belay.adapter;

import java.util.Set;

/**
 * Who a broadcast reaches: the sockets in any of {@code rooms} (every socket of the namespace when
 * empty) that are in none of {@code except}.
 *
 * <pre>{@code
 * adapter.broadcast(encoded, new BroadcastOptions(Set.of("room-1"), Set.of(sender.id()), BroadcastFlags.NONE));
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
}
