package dev.belay.binding;

import dev.belay.engine.TransportRequest;
import java.util.Map;
import java.util.function.Function;

/**
 * One HTTP request/response as the engine needs it, implemented by an HTTP server binding (see
 * {@code dev.belay.transport.BelayHandler} for Undertow). Every method may be called from any
 * thread; an implementation moves the work to its I/O thread as needed and never blocks.
 *
 * <pre>{@code
 * exchange.respond(200, Map.of("Content-Type", "text/plain"), "ok".getBytes(UTF_8));
 * }</pre>
 */
public interface HttpExchange {
  TransportRequest request();

  /** Whether this is a WebSocket upgrade request ({@code Upgrade: websocket}). */
  boolean isWebSocketUpgrade();

  /**
   * Reads the whole request body without blocking. Exactly one of the listener's methods is
   * called, on any thread. A body over {@code maxBytes} (by Content-Length or as it arrives) is
   * reported as {@link BodyListener#onTooLarge()}; the rest of it is then left unread, so the
   * answer to it ends the connection.
   */
  void readBody(int maxBytes, BodyListener listener);

  /** Sends a whole response and ends the exchange. Later calls are ignored. */
  void respond(int status, Map<String, String> headers, byte[] body);

  /** Starts a streamed response (for SSE): status and headers now, chunks later. */
  ResponseStream stream(int status, Map<String, String> headers);

  /** Runs {@code callback} once if the client goes away before the response is complete. */
  void onAbort(Runnable callback);

  /**
   * Completes a WebSocket handshake. Once the connection is open, {@code open} is called with it
   * and returns the listener for its frames.
   */
  void acceptWebSocket(Map<String, String> headers, Function<WebSocketConnection, WebSocketListener> open);

  /** Receives a request body. */
  interface BodyListener {
    void onBody(byte[] body);

    void onTooLarge();

    void onError(Throwable error);
  }

  /** A response body written in chunks; each chunk goes to the network at once (no buffering). */
  interface ResponseStream {
    /** Writes a chunk; {@code done} is called with {@code null} on success or the error. */
    void write(byte[] chunk, WriteCallback done);

    /** Ends the response. */
    void close();
  }
}
