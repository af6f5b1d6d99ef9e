package dev.belay.engine;

/**
 * Why an engine session closed. The strings are Engine.IO's, so that the Socket.IO layer can pass
 * them on as disconnect reasons unchanged.
 *
 * <pre>{@code
 * socket.onClose((reason, description) -> log.info("closed: " + reason.text()));
 * }</pre>
 */
public enum CloseReason {
  /** The client closed the connection, or it was lost (a dropped stream, a closed WebSocket). */
  TRANSPORT_CLOSE("transport close"),
  /** The transport failed (an I/O error, an oversized frame, a second concurrent request). */
  TRANSPORT_ERROR("transport error"),
  /** No pong within pingTimeout after a ping. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent something that does not parse. */
  PARSE_ERROR("parse error"),
  /** The client sent a close packet. */
  CLIENT_CLOSE("transport close"),
  /** The server application closed the session. */
  FORCED_CLOSE("forced close"),
  /** More packets or bytes waited for the client than the outbound limits allow (a client that does not keep up). */
  OUTBOUND_OVERFLOW("transport error"),
  /** The server is shutting down. */
  SERVER_SHUTTING_DOWN("server shutting down");

  private final String text;

  CloseReason(String text) {
    this.text = text;
  }

  /** The reason as Engine.IO and Socket.IO spell it, for example {@code "ping timeout"}. */
  public String text() {
    return text;
  }
}
