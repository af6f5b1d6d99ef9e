package dev.belay.adapter;

/**
 * Delivery flags of a broadcast.
 *
 * <pre>{@code
 * BroadcastFlags flags = BroadcastFlags.NONE.withVolatile(true);
 * }</pre>
 *
 * @param isVolatile drop the packet for a client that cannot take it right now
 * @param local reach only the sockets of this server, not the rest of a cluster
 */
public record BroadcastFlags(boolean isVolatile, boolean local) {
  public static final BroadcastFlags NONE = new BroadcastFlags(false, false);

  public BroadcastFlags withVolatile(boolean value) {
    return new BroadcastFlags(value, local);
  }

  public BroadcastFlags withLocal(boolean value) {
    return new BroadcastFlags(isVolatile, value);
  }
}
