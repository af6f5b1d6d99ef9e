package dev.belay;

/**
 * Called when a socket is about to leave ({@code disconnecting}: its rooms are still there) or has
 * left ({@code disconnect}) its namespace.
 *
 * <pre>{@code
 * socket.onDisconnecting(reason -> socket.rooms().forEach(room -> server.to(room).emit("left", socket.id())));
 * socket.onDisconnect(reason -> log.info(socket.id() + " gone: " + reason.text()));
 * }</pre>
 */
@FunctionalInterface
public interface DisconnectListener {
  void onDisconnect(DisconnectReason reason) throws Exception;
}
