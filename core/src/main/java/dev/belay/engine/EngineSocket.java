package dev.belay.engine;

import dev.belay.engine.parser.EnginePacket;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One client session at the Engine.IO level: an ordered, reliable stream of text and binary
 * messages over whichever transport the client is on, kept alive by heartbeats and carried across
 * transport upgrades. This is the seam the Socket.IO layer builds on, and the API for applications
 * that want Engine.IO alone (as the {@code engine.io} package offers).
 *
 * <pre>{@code
 * engine.onConnection(socket -> {
 *   socket.onMessage(data -> {
 *     if (data instanceof String text) socket.send(text); else socket.send((byte[]) data);
 *   });
 *   socket.onClose((reason, description) -> System.out.println(socket.id() + " closed: " + reason.text()));
 * });
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread. Listeners of one session run one at a
 * time, in order, on a worker thread (never on an I/O thread); a slow listener delays only the
 * listeners of its own session, never its heartbeats. With
 * {@link EngineOptions.Builder#listenersOnIoThread} they run on the thread that delivered the
 * message instead, still one at a time and in order, and must not block.
 */
public interface EngineSocket {
  /** The session id (sid): 128 random bits, URL-safe base64. */
  String id();

  /** The current transport: {@code "polling"}, {@code "websocket"} or {@code "sse"}. */
  String transport();

  /** The request that opened the session. */
  TransportRequest request();

  /** Wall-clock time of the handshake, epoch milliseconds. */
  long createdAt();

  /** Whether the session is open (not closing or closed). */
  boolean isOpen();

  /**
   * Whether the current transport can take a packet right now without buffering (no write in
   * flight; for polling, a GET is waiting). Used for Socket.IO's {@code volatile} emits.
   */
  boolean isWritable();

  /**
   * Queues a text message. Returns {@code false} if the session is closed, or if the outbound queue
   * is over its limits (packets or bytes), in which case the session closes with
   * {@link CloseReason#OUTBOUND_OVERFLOW}.
   */
  boolean send(String text);

  /** Queues a binary message; see {@link #send(String)}. */
  boolean send(byte[] data);

  /**
   * Queues a message built once for many sessions: its wire form is encoded on first use and
   * shared, so a broadcast pays for it once. Only {@code MESSAGE} packets may be sent.
   *
   * <pre>{@code
   * EnginePacket tick = EnginePacket.message("tick");
   * for (EngineSocket s : sessions) s.send(tick);
   * }</pre>
   */
  boolean send(EnginePacket message);

  /**
   * Queues several messages (each a {@code String}, a {@code byte[]} or a {@code MESSAGE}
   * {@link EnginePacket}) as one unit: nothing from another sender is interleaved between them.
   * A Socket.IO binary packet and its attachments go this way.
   */
  boolean sendAll(List<?> messages);

  /** Closes the session with {@link CloseReason#FORCED_CLOSE}, after flushing what is queued. */
  void close();

  /** Closes the session with the given reason. Idempotent: only the first reason counts. */
  void close(CloseReason reason);

  /** Adds a listener for messages: each is a {@code String} or a {@code byte[]}. */
  EngineSocket onMessage(Consumer<Object> listener);

  /** Adds a listener called once when the session closes, with the reason and a description. */
  EngineSocket onClose(BiConsumer<CloseReason, String> listener);

  /** Adds a listener called after the session moved to another transport, with its name. */
  EngineSocket onUpgrade(Consumer<String> listener);

  /**
   * Runs {@code task} on this session's listener lane: after the listeners and tasks already
   * queued there, before those queued later, one at a time, never at the same time as a listener
   * of this session. So work that finishes elsewhere (a database reply, a timer) rejoins the
   * order of the session's messages without a lock. The task runs where listeners run (a worker,
   * or with {@link EngineOptions.Builder#listenersOnIoThread} the calling thread if the lane is
   * idle); called from a listener or a task of this lane, it runs after the current one returns,
   * never nested in it. A task that throws is logged; the lane goes on. Runs even after close.
   *
   * <pre>{@code
   * socket.onMessage(data -> database.lookup(data).thenAccept(row ->
   *     socket.execute(() -> socket.send(render(row)))));   // in order with this session's listeners
   * }</pre>
   */
  void execute(Runnable task);
}
