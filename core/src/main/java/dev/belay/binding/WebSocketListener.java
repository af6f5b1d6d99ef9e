package dev.belay.binding;

/**
 * Frames and events of one WebSocket, called by the binding on its I/O thread, in order.
 *
 * <pre>{@code
 * exchange.acceptWebSocket(Map.of(), connection -> new WebSocketListener() { ... });
 * }</pre>
 */
public interface WebSocketListener {
  void onText(String text);

  void onBinary(byte[] data);

  /** The connection closed (by either side, or because a frame was over the size limit). */
  void onClose(int code, String reason);

  void onError(Throwable error);
}
