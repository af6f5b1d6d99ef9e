package dev.belay;

/**
 * Maps application objects to and from the plain values the Socket.IO codec carries
 * ({@code String}, {@code Long}/{@code Double}, {@code Boolean}, {@code null},
 * {@code Map<String, Object>}, {@code List<Object>}, {@code byte[]}). The default is
 * {@link GsonJsonMapper}; plug in another (Jackson, say) through {@link ServerOptions}.
 *
 * <pre>{@code
 * record Move(int x, int y) {}
 * socket.on("move", Move.class, (move, ack) -> board.apply(move)); // fromPlain
 * socket.emit("moved", new Move(1, 2));                            // toPlain
 * }</pre>
 *
 * <p>Implementations must be thread-safe and must keep {@code byte[]} values as they are, so that
 * binary travels as attachments.
 */
public interface JsonMapper {
  /** Converts {@code value} (plain or not) into plain values. */
  Object toPlain(Object value);

  /**
   * Converts plain values into an instance of {@code type}; a value that does not fit the type is
   * a runtime exception of the mapper's own kind ({@code JsonParseException} for Gson).
   */
  <T> T fromPlain(Object plain, Class<T> type);
}
