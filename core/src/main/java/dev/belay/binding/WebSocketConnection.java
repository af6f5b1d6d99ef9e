package dev.belay.binding;

/**
 * An open WebSocket as the engine needs it, implemented by an HTTP server binding. Frames are sent
 * in call order; methods may be called from any thread and never block.
 *
 * <pre>{@code
 * connection.sendText("4hello".getBytes(StandardCharsets.UTF_8), error -> {});
 * connection.close(1000, "bye");
 * }</pre>
 */
public interface WebSocketConnection {
  /**
   * Sends a text frame whose payload is already UTF-8. The array may be shared by many
   * connections (a broadcast encodes once): the binding must not change it.
   */
  void sendText(byte[] utf8, WriteCallback done);

  void sendBinary(byte[] data, WriteCallback done);

  /** Sends a close frame after the frames already queued, then closes. */
  void close(int code, String reason);

  /** The thread that does this connection's I/O, or {@code null} if the binding does not say. */
  default IoThread ioThread() {
    return null;
  }
}
