package dev.belay.engine;

/**
 * An open WebSocket as the engine needs it, implemented by an HTTP server binding. Frames are sent
 * in call order; methods may be called from any thread and never block.
 *
 * <pre>{@code
 * connection.sendText("4hello", error -> {});
 * connection.close(1000, "bye");
 * }</pre>
 */
public interface WebSocketConnection {
  void sendText(String text, WriteCallback done);

  void sendBinary(byte[] data, WriteCallback done);

  /** Sends a close frame after the frames already queued, then closes. */
  void close(int code, String reason);
}
