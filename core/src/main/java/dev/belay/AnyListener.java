package dev.belay;

import java.util.List;

/**
 * Sees every event a socket receives, before the event's own listeners.
 *
 * <pre>{@code
 * socket.onAny((event, args) -> log.debug(socket.id() + " sent " + event + " " + args));
 * }</pre>
 */
@FunctionalInterface
public interface AnyListener {
  void onAny(String event, List<Object> args) throws Exception;
}
