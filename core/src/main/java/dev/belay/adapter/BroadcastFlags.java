package dev.belay.adapter;

/**
 * Delivery flags of a broadcast, as Socket.IO names them.
 *
 * <pre>{@code
 * BroadcastFlags flags = BroadcastFlags.NONE.withVolatile(true).withTimeout(5_000L);
 * }</pre>
 *
 * @param isVolatile drop the packet for a client that cannot take it right now; never stored for
 *     recovery (Socket.IO's {@code volatile})
 * @param local reach only the sockets of this server, not the rest of a cluster
 * @param timeout for a broadcast with acknowledgements or a fetch: how long, in milliseconds, the
 *     nodes keep waiting; null when none was given
 */
public record BroadcastFlags(boolean isVolatile, boolean local, Long timeout) {
  public static final BroadcastFlags NONE = new BroadcastFlags(false, false, null);

  public BroadcastFlags {
    if (timeout != null && timeout <= 0) throw new IllegalArgumentException("timeout must be positive");
  }

  public BroadcastFlags withVolatile(boolean value) {
    return new BroadcastFlags(value, local, timeout);
  }

  public BroadcastFlags withLocal(boolean value) {
    return new BroadcastFlags(isVolatile, value, timeout);
  }

  public BroadcastFlags withTimeout(Long millis) {
    return new BroadcastFlags(isVolatile, local, millis);
  }
}
