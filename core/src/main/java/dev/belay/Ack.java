package dev.belay;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer to a client event that asked for an acknowledgement. {@link #send(Object...)} may be
 * called later and from any thread; only the first call counts. When the client asked for nothing,
 * {@link #requested()} is false and {@code send} does nothing.
 *
 * <pre>{@code
 * socket.on("save", (args, ack) -> db.saveAsync(args.get(0)).thenAccept(id -> ack.send("ok", id)));
 * }</pre>
 */
public final class Ack {
  static final Ack NONE = new Ack(null, -1);

  private final Socket socket;
  private final long id;
  // Set once by the first send(); any thread.
  private final AtomicBoolean sent = new AtomicBoolean();

  Ack(Socket socket, long id) {
    this.socket = socket;
    this.id = id;
  }

  /** Whether the client asked for an acknowledgement. */
  public boolean requested() {
    return socket != null;
  }

  /** Sends the acknowledgement with {@code args} (mapped through the {@link JsonMapper}; binary allowed). */
  public void send(Object... args) {
    if (socket == null || !sent.compareAndSet(false, true)) return;
    socket.sendAck(id, args);
  }
}
