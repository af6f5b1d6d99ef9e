package dev.belay;

/**
 * Told when a socket joins or leaves a room; see {@link Namespace#onRoomChange(RoomListener)}.
 *
 * <pre>{@code
 * io.sockets().onRoomChange((room, socketId, joined) -> log.debug(socketId + (joined ? " joined " : " left ") + room));
 * }</pre>
 */
@FunctionalInterface
public interface RoomListener {
  /**
   * @param room the room
   * @param socketId the socket that joined or left it
   * @param joined true for a join, false for a leave
   */
  void onRoomChange(String room, String socketId, boolean joined) throws Exception;
}
