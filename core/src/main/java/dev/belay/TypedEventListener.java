package dev.belay;

/**
 * Handles one event whose first argument is mapped to {@code T} through the server's
 * {@link JsonMapper}.
 *
 * <pre>{@code
 * record Chat(String room, String text) {}
 * socket.on("chat", Chat.class, (chat, ack) -> socket.to(chat.room()).emit("chat", chat));
 * }</pre>
 */
@FunctionalInterface
public interface TypedEventListener<T> {
  void onEvent(T value, Ack ack) throws Exception;
}
