package dev.belay.engine;

import java.util.Map;

/**
 * A request the engine refused before it reached a session (engine.io's {@code connection_error}):
 * an unknown transport or sid, a bad handshake method, a transport mismatch, an unsupported
 * protocol version, or a handshake {@link EngineOptions#allowRequest} turned down. The client got
 * {@code error}'s HTTP status and JSON body.
 *
 * <pre>{@code
 * engine.onConnectionError(e -> log.info(e.request().remoteAddress() + " refused: "
 *     + e.code() + " " + e.message() + " " + e.context()));
 * }</pre>
 *
 * @param request the refused request
 * @param error what was wrong, with its Engine.IO code and HTTP status
 * @param context details, as engine.io gives them: {@code transport}, {@code sid}, {@code method},
 *     {@code protocol}, or {@code name} ({@code "TRANSPORT_MISMATCH"}, {@code "FORBIDDEN"})
 */
public record ConnectionError(TransportRequest request, EngineError error, Map<String, String> context) {
  public ConnectionError {
    context = Map.copyOf(context);
  }

  /** The Engine.IO error code: 0 transport unknown, 1 session ID unknown, ... 5 unsupported protocol version. */
  public int code() {
    return error.code();
  }

  /** The error message the client got, for example {@code "Session ID unknown"}. */
  public String message() {
    return error.message();
  }
}
