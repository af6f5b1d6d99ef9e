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

  // The socket to answer, or null (no answer asked for, or an answer to another server).
  private final Socket socket;
  private final long id;
  // For an event from another server: takes the answer's arguments; null otherwise.
  private final java.util.function.Consumer<Object[]> reply;
  // Set once by the first send(); any thread.
  private final AtomicBoolean sent = new AtomicBoolean();

  Ack(Socket socket, long id) {
    this.socket = socket;
    this.id = id;
    this.reply = null;
  }

  /** An answer to another server's {@code serverSideEmitWithAck}. */
  Ack(java.util.function.Consumer<Object[]> reply) {
    this.socket = null;
    this.id = -1;
    this.reply = reply;
  }

  /** Whether the client (or the server that sent the event) asked for an acknowledgement. */
  public boolean requested() {
    return socket != null || reply != null;
  }

  /** Sends the acknowledgement with {@code args} (mapped through the {@link JsonMapper}; binary allowed). */
  public void send(Object... args) {
    if (!requested() || !sent.compareAndSet(false, true)) return;
    if (reply != null) reply.accept(args);
    else socket.sendAck(id, args);
  }
}
