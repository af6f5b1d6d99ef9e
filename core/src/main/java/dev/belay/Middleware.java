package dev.belay;

/**
 * Runs before a socket joins a namespace; it lets the socket in with {@link Next#proceed()} or
 * refuses it with {@link Next#fail(Exception)}, which the client receives as {@code connect_error}
 * (with the error's message and, for a {@link ConnectError}, its data). It may call {@code next}
 * later, from any thread. An exception thrown here counts as {@code next.fail(e)}.
 *
 * <pre>{@code
 * server.use((socket, next) -> {
 *   if (socket.handshake().auth().get("token") != null) next.proceed();
 *   else next.fail(new ConnectError("not authorized", Map.of("content", "Please retry later")));
 * });
 * }</pre>
 */
@FunctionalInterface
public interface Middleware {
  void handle(Socket socket, Next next) throws Exception;
}
