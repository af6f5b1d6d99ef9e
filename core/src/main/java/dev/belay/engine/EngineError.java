package dev.belay.engine;

import java.nio.charset.StandardCharsets;

/**
 * The errors an HTTP request to the engine can get, with the Engine.IO error code and HTTP status.
 * The body is {@code {"code":N,"message":"..."}}.
 *
 * <pre>{@code
 * EngineError.UNKNOWN_SID.status() == 400
 * }</pre>
 */
public enum EngineError {
  TRANSPORT_UNKNOWN(0, 400, "Transport unknown"),
  UNKNOWN_SID(1, 400, "Session ID unknown"),
  BAD_HANDSHAKE_METHOD(2, 400, "Bad handshake method"),
  BAD_REQUEST(3, 400, "Bad request"),
  FORBIDDEN(4, 403, "Forbidden"),
  UNSUPPORTED_PROTOCOL_VERSION(5, 400, "Unsupported protocol version"),
  PAYLOAD_TOO_LARGE(3, 413, "Payload too large"),
  /** A handshake to a server that is draining ({@link EngineServer#drain}): the client should try another node. */
  DRAINING(4, 503, "Server draining");

  private final int code;
  private final int status;
  private final String message;

  EngineError(int code, int status, String message) {
    this.code = code;
    this.status = status;
    this.message = message;
  }

  /** The Engine.IO error code of the JSON body. */
  public int code() { return code; }

  /** The HTTP status. */
  public int status() { return status; }

  public String message() { return message; }

  /** The JSON body, UTF-8. */
  public byte[] body() {
    return ("{\"code\":" + code + ",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
  }
}
