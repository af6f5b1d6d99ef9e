package dev.belay;

/**
 * A refusal from a connection {@link Middleware}: the client's {@code connect_error} listener gets
 * an error with this message and {@code data}.
 *
 * <pre>{@code
 * next.fail(new ConnectError("not authorized", Map.of("retryAfter", 30)));
 * }</pre>
 */
public final class ConnectError extends Exception {
  private final transient Object data;

  public ConnectError(String message) {
    this(message, null);
  }

  /** @param data extra details for the client, any value the {@link JsonMapper} can map; may be null */
  public ConnectError(String message, Object data) {
    super(message);
    this.data = data;
  }

  /** The details sent as {@code data}, or {@code null}. */
  public Object data() {
    return data;
  }
}
