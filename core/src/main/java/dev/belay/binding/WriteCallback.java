package dev.belay.binding;

/**
 * Told when a write has left for the network, or failed.
 *
 * <pre>{@code
 * connection.sendBinary(bytes, error -> { if (error != null) log(error); });
 * }</pre>
 */
@FunctionalInterface
public interface WriteCallback {
  /** @param error {@code null} on success */
  void done(Throwable error);
}
