package dev.belay;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection state recovery (Socket.IO 4.6+): a client whose connection drops unexpectedly comes
 * back within {@code maxDisconnectionDuration} with the same socket id, rooms and data, and gets
 * the packets it missed. Off unless given to {@link ServerOptions.Builder#connectionStateRecovery}.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder()
 *     .connectionStateRecovery(ConnectionStateRecovery.defaults()
 *         .withMaxDisconnectionDuration(Duration.ofSeconds(30)))
 *     .build();
 * }</pre>
 *
 * @param maxDisconnectionDuration how long a disconnected session and the packets it may miss are
 *     kept (default 2 minutes)
 * @param skipMiddlewares whether a restored socket skips the namespace's connection middleware
 *     (default true)
 * @param maxStoredPackets the most packets each namespace keeps for replay on this server (default
 *     10,000): memory stays bounded however long clients stay away, and a client that missed more
 *     than this gets a fresh socket instead
 */
public record ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares, int maxStoredPackets) {
  public ConnectionStateRecovery {
    Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
    if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
      throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
    }
    if (maxStoredPackets < 1) throw new IllegalArgumentException("maxStoredPackets must be at least 1");
  }

  /** 2 minutes, middlewares skipped, 10,000 stored packets. */
  public static ConnectionStateRecovery defaults() {
    return new ConnectionStateRecovery(Duration.ofMinutes(2), true, 10_000);
  }

  public ConnectionStateRecovery withMaxDisconnectionDuration(Duration duration) {
    return new ConnectionStateRecovery(duration, skipMiddlewares, maxStoredPackets);
  }

  public ConnectionStateRecovery withSkipMiddlewares(boolean skip) {
    return new ConnectionStateRecovery(maxDisconnectionDuration, skip, maxStoredPackets);
  }

  public ConnectionStateRecovery withMaxStoredPackets(int max) {
    return new ConnectionStateRecovery(maxDisconnectionDuration, skipMiddlewares, max);
  }
}
