package dev.belay;

import java.util.List;

/**
 * Receives a client's acknowledgement of an event the server emitted, or the reason none came
 * ({@link AckTimeoutException}, or an {@link IllegalStateException} when the socket disconnected).
 *
 * <pre>{@code
 * socket.timeout(Duration.ofSeconds(5)).emit("ask", "question?", (AckCallback) (error, args) -> {
 *   if (error != null) log.warn("no answer", error); else log.info("answer: " + args);
 * });
 * }</pre>
 */
@FunctionalInterface
public interface AckCallback {
  /** Exactly one of {@code error} and {@code args} is non-null. */
  void onAck(Throwable error, List<Object> args) throws Exception;
}
