package dev.belay;

import dev.belay.engine.CloseReason;

/**
 * Why a {@link Socket} left its namespace, with Socket.IO's strings.
 *
 * <pre>{@code
 * socket.onDisconnect(reason -> {
 *   if (reason == DisconnectReason.PING_TIMEOUT) log.info(socket.id() + " lost: " + reason.text());
 * });
 * }</pre>
 */
public enum DisconnectReason {
  /** The connection was closed by the client or lost. */
  TRANSPORT_CLOSE("transport close"),
  /** The connection failed. */
  TRANSPORT_ERROR("transport error"),
  /** The client stopped answering pings. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent something that does not parse. */
  PARSE_ERROR("parse error"),
  /** The engine session was closed by the server ({@code engineSocket.close()}). */
  FORCED_CLOSE("forced close"),
  /** The server is shutting down. */
  SERVER_SHUTTING_DOWN("server shutting down"),
  /** The client left the namespace ({@code socket.disconnect()} on the client). */
  CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
  /** The server removed the socket ({@link Socket#disconnect(boolean)}). */
  SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
  /** The server closed the whole connection of the client ({@code disconnect(true)} on another socket). */
  FORCED_SERVER_CLOSE("forced server close");

  private final String text;

  DisconnectReason(String text) {
    this.text = text;
  }

  /** The reason as Socket.IO spells it, for example {@code "client namespace disconnect"}. */
  public String text() {
    return text;
  }

  /**
   * Whether a socket that left for this reason keeps its session for connection state recovery:
   * the connection was lost or closed under it (as Socket.IO decides), not ended on purpose by the
   * client or the application, and not closed for bad input.
   */
  public boolean recoverable() {
    return switch (this) {
      case TRANSPORT_CLOSE, TRANSPORT_ERROR, PING_TIMEOUT, FORCED_CLOSE, SERVER_SHUTTING_DOWN, FORCED_SERVER_CLOSE -> true;
      case PARSE_ERROR, CLIENT_NAMESPACE_DISCONNECT, SERVER_NAMESPACE_DISCONNECT -> false;
    };
  }

  /** The reason a socket gets when its engine session closes for {@code reason}. */
  public static DisconnectReason of(CloseReason reason) {
    return switch (reason) {
      case TRANSPORT_CLOSE, CLIENT_CLOSE -> TRANSPORT_CLOSE;
      case TRANSPORT_ERROR, OUTBOUND_OVERFLOW -> TRANSPORT_ERROR;
      case PING_TIMEOUT -> PING_TIMEOUT;
      case PARSE_ERROR -> PARSE_ERROR;
      case FORCED_CLOSE -> FORCED_CLOSE;
      case SERVER_SHUTTING_DOWN -> SERVER_SHUTTING_DOWN;
    };
  }
}
