package dev.belay;

import java.util.List;

/**
 * Handles one event from a client: its arguments as plain values, and an {@link Ack} to answer
 * with when the client asked for one.
 *
 * <pre>{@code
 * socket.on("add", (args, ack) -> ack.send((Long) args.get(0) + (Long) args.get(1)));
 * }</pre>
 */
@FunctionalInterface
public interface EventListener {
  void onEvent(List<Object> args, Ack ack) throws Exception;
}
