package dev.belay;

/**
 * Handles one event whose first two arguments are mapped to {@code A} and {@code B} through the
 * server's {@link JsonMapper}; a missing argument is {@code null}.
 *
 * <pre>{@code
 * record Move(int x, int y) {}
 * record Player(String name) {}
 * socket.on("move", Move.class, Player.class, (move, player, ack) -> board.apply(player, move));
 * }</pre>
 */
@FunctionalInterface
public interface TypedEventListener2<A, B> {
  void onEvent(A first, B second, Ack ack) throws Exception;
}
