package dev.belay;

/**
 * Handles one event whose first three arguments are mapped to {@code A}, {@code B} and {@code C}
 * through the server's {@link JsonMapper}; a missing argument is {@code null}. For more, take
 * the plain arguments with an {@link EventListener} and map them with {@link JsonMapper#fromPlain}.
 *
 * <pre>{@code
 * socket.on("trade", Player.class, Item.class, Integer.class,
 *     (from, item, price, ack) -> ack.send(market.offer(from, item, price)));
 * }</pre>
 */
@FunctionalInterface
public interface TypedEventListener3<A, B, C> {
  void onEvent(A first, B second, C third, Ack ack) throws Exception;
}
