package dev.belay;

/**
 * The continuation a {@link Middleware} or {@link PacketMiddleware} gets: call exactly one of its
 * methods, once, from any thread. Later calls are ignored.
 *
 * <pre>{@code
 * server.use((socket, next) -> tokens.verifyAsync(socket.handshake().auth().get("token"))
 *     .whenComplete((ok, error) -> { if (ok) next.proceed(); else next.fail(new ConnectError("bad token")); }));
 * }</pre>
 */
public interface Next {
  /** Lets the socket (or packet) through to the next middleware. */
  void proceed();

  /** Stops here with {@code error}. */
  void fail(Exception error);
}
