package dev.belay;

import java.util.List;

/**
 * Runs before a socket's listeners see an incoming event. {@code packet} is the event name followed
 * by the arguments, and may be changed in place. {@link Next#fail(Exception)} drops the event and
 * passes the error to the socket's {@code "error"} listeners.
 *
 * <pre>{@code
 * socket.use((packet, next) -> {
 *   if ("admin-only".equals(packet.get(0)) && !isAdmin(socket)) next.fail(new SecurityException("forbidden"));
 *   else next.proceed();
 * });
 * socket.on("error", (args, ack) -> socket.emit("denied", ((Exception) args.get(0)).getMessage()));
 * }</pre>
 */
@FunctionalInterface
public interface PacketMiddleware {
  void handle(List<Object> packet, Next next) throws Exception;
}
