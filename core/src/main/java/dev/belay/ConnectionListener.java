package dev.belay;

/**
 * Called when a socket has joined a namespace (after every middleware passed).
 *
 * <pre>{@code
 * server.on("connection", socket -> socket.emit("welcome", socket.id()));
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionListener {
  void onConnection(Socket socket) throws Exception;
}
