package dev.belay;

import java.util.concurrent.TimeoutException;

/**
 * The client did not acknowledge an event within its timeout.
 *
 * <pre>{@code
 * socket.timeout(Duration.ofSeconds(2)).emitWithAck("ping")
 *     .exceptionally(e -> e.getCause() instanceof AckTimeoutException ? List.of("late") : List.of("error"));
 * }</pre>
 */
public final class AckTimeoutException extends TimeoutException {
  public AckTimeoutException(String message) {
    super(message);
  }
}
