package dev.belay;

import java.util.Set;

/** Event names shared by emits to one socket and broadcasts. */
final class Events {
  /**
   * Names a server may not emit: the client's own lifecycle events and the emitter's
   * bookkeeping, as Socket.IO reserves them.
   *
   * <pre>{@code
   * if (Events.RESERVED.contains(event)) throw new IllegalArgumentException(...);
   * }</pre>
   */
  static final Set<String> RESERVED =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private Events() {}
}
