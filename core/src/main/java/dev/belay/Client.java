package dev.belay;

import dev.belay.adapter.RecoveryFailure;
import dev.belay.adapter.RestoreResult;
import dev.belay.engine.Cancellable;
import dev.belay.engine.CloseReason;
import dev.belay.engine.EngineSocket;
import dev.belay.parser.EncodedPacket;
import dev.belay.parser.SocketDecoder;
import dev.belay.parser.SocketEncoder;
import dev.belay.parser.SocketPacket;
import dev.belay.parser.SocketParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One engine session seen from the event layer (socket.io's {@code Client}): decodes its messages,
 * routes packets to the socket of their namespace, answers CONNECT, and closes the session on a
 * parse error or when no namespace is joined within connectTimeout.
 *
 * <p>Threading: everything runs on the engine session's listener lane ({@link EngineSocket#execute}):
 * incoming messages and the engine's close arrive there, and middleware results, ack timeouts and
 * disconnects from other threads are submitted to it, so one client's packets are handled one at
 * a time and in order, with one queue per connection. The lane never nests a task in another;
 * work that must take effect at once when the caller is already on the lane (a listener calling
 * {@code socket.disconnect()}, a middleware that calls {@code next} before returning) goes through
 * {@link #runOnLane}, which runs it in place then. Writes go straight to the engine socket, which
 * is thread-safe.
 */
final class Client {
  private static final System.Logger LOG = System.getLogger(Client.class.getName());
  /** How long a restore waits at most for another restore of the same session on this node. */
  private static final long RESTORE_WAIT_SECONDS = 5;

  private final Server server;
  private final EngineSocket conn;
  // The thread running this client's code on the lane right now, or null. Written only on the lane
  // (set on entry, cleared on exit) and read from any thread to ask "am I on the lane?". A plain
  // field is enough for that question: a thread sees its own last write, and no other thread
  // ever writes its identity here, so the answer is exact for the asking thread.
  private Thread laneThread;
  // Confined to the lane.
  private final SocketDecoder decoder;
  // namespace name -> connected socket: an immutable snapshot, replaced on the lane, read from any
  // thread. A client is nearly always in one or two namespaces, where Map.of is a few words and a
  // ConcurrentHashMap a few hundred bytes: idle connections must stay small.
  private volatile Map<String, Socket> sockets = Map.of();
  // Namespaces whose CONNECT is still in middleware; null when none. Confined to the lane.
  private Set<String> connecting;
  // namespace name -> this client's restore under way there, completed when it ends (another
  // restore of the same session on this node waits for it); null when none. Confined to the lane.
  private Map<String, CompletableFuture<Void>> restoring;
  // The connect timer until a namespace is joined, then null (so the finished timer task is
  // garbage at once, not held for the connection's life); written on the lane, read anywhere.
  private volatile Cancellable connectTimer;
  // The timer of the binary packet now waiting for attachments, or null; confined to the lane.
  private Cancellable attachmentTimer;
  // Counts binary packets that started waiting, so a timer that fires after its packet completed
  // recognises that it is stale; confined to the lane.
  private long partialPackets;
  // Set once when the engine session is gone or the server closed this client; any thread.
  private volatile boolean closed;

  Client(Server server, EngineSocket conn) {
    this.server = server;
    this.conn = conn;
    this.decoder = new SocketDecoder(server.options().maxAttachments(), server.options().maxAttachmentBytes(),
        server.attachmentBudget());
  }

  /** Hooks the engine session's listeners and starts the connect timer. */
  void start() {
    conn.onMessage(this::onMessage);
    conn.onClose((reason, description) -> enterLane(() -> onEngineClose(reason)));
    connectTimer = server.scheduler().schedule(() -> {
      // Runs on the scheduler thread: only closes the engine session, never user code.
      if (sockets.isEmpty() && !closed) {
        LOG.log(System.Logger.Level.DEBUG, "no namespace joined within connectTimeout, closing {0}", conn.id());
        conn.close(CloseReason.FORCED_CLOSE);
      }
    }, server.options().connectTimeout());
  }

  EngineSocket conn() {
    return conn;
  }

  Server server() {
    return server;
  }

  /**
   * Runs {@code task} on the lane: at once when the calling thread is already on it (so the
   * caller sees its effect when the call returns), else queued behind what is there.
   */
  void runOnLane(Runnable task) {
    if (laneThread == Thread.currentThread()) task.run();
    else conn.execute(() -> enterLane(task));
  }

  /** Lane. Runs {@code task} with the lane marked as this thread's. */
  private void enterLane(Runnable task) {
    laneThread = Thread.currentThread();
    try {
      task.run();
    } finally {
      laneThread = null;
    }
  }

  /** Adds an upgrade listener, run on the lane as this client's own code. */
  void onUpgrade(java.util.function.Consumer<String> listener) {
    conn.onUpgrade(transport -> enterLane(() -> listener.accept(transport)));
  }

  /** Lane. A message from the engine session. */
  private void onMessage(Object frame) {
    laneThread = Thread.currentThread();
    try {
      onFrame(frame);
    } finally {
      laneThread = null;
    }
  }

  boolean isOpen() {
    return !closed && conn.isOpen();
  }

  private void onFrame(Object frame) {
    if (closed) return;
    SocketPacket packet;
    try {
      packet = decoder.add(frame);
    } catch (SocketParseException e) {
      LOG.log(System.Logger.Level.DEBUG, "parse error on {0}: {1}", conn.id(), e.getMessage());
      watchPartialPacket(); // the decoder dropped its packet: stop its timer
      conn.close(CloseReason.PARSE_ERROR);
      return;
    }
    watchPartialPacket();
    if (packet != null) route(packet);
  }

  /**
   * Lane. Starts the attachment timer when a binary packet begins to wait for attachments and stops
   * it when the packet is complete: a packet still incomplete after attachmentTimeout closes the
   * connection, which gives its bytes back to the server-wide budget.
   */
  private void watchPartialPacket() {
    if (!decoder.isReassembling()) {
      if (attachmentTimer != null) {
        attachmentTimer.cancel();
        attachmentTimer = null;
      }
      return;
    }
    if (attachmentTimer != null) return;
    long packet = ++partialPackets;
    attachmentTimer = server.scheduler().schedule(
        () -> runOnLane(() -> onAttachmentTimeout(packet)), server.options().attachmentTimeout());
  }

  private void onAttachmentTimeout(long packet) {
    if (closed || packet != partialPackets || attachmentTimer == null) return;
    attachmentTimer = null;
    LOG.log(System.Logger.Level.DEBUG, "binary packet incomplete after attachmentTimeout, closing {0}", conn.id());
    decoder.reset();
    conn.close(CloseReason.PARSE_ERROR);
  }

  private void route(SocketPacket packet) {
    String namespace = packet.namespace();
    switch (packet.type()) {
      case CONNECT -> {
        if (sockets.containsKey(namespace) || (connecting != null && connecting.contains(namespace))) {
          LOG.log(System.Logger.Level.DEBUG, "second CONNECT to {0} ignored", namespace);
          return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> auth = packet.data() == null ? Map.of() : (Map<String, Object>) packet.data();
        connect(namespace, auth);
      }
      case CONNECT_ERROR -> LOG.log(System.Logger.Level.DEBUG, "CONNECT_ERROR from a client ignored");
      default -> {
        Socket socket = sockets.get(namespace);
        // A packet for a namespace the socket just left (a race with a server-side disconnect) is
        // dropped rather than closing the whole connection.
        if (socket == null) {
          LOG.log(System.Logger.Level.DEBUG, "{0} packet for unjoined namespace {1} dropped", packet.type(), namespace);
          return;
        }
        socket.onPacket(packet);
      }
    }
  }

  private void connect(String name, Map<String, Object> auth) {
    Namespace namespace = server.resolveNamespace(name);
    if (namespace == null) {
      write(SocketEncoder.encode(SocketPacket.connectError(name, "Invalid namespace", null)), false);
      return;
    }
    if (connecting == null) connecting = new HashSet<>(4);
    connecting.add(name);
    ConnectionStateRecovery recovery = server.options().connectionStateRecovery();
    // A client asks to recover with its private id and the offset of the last packet it got; one
    // that got none sends no offset and resumes from where its socket started (Socket.IO gives it
    // a fresh socket instead).
    if (recovery != null && auth.get("pid") instanceof String pid) {
      String offset = auth.get("offset") instanceof String given ? given : null;
      Runnable resume = () -> {
        Socket stale = namespace.socketByPid(pid);
        if (stale != null && stale.client() != this) {
          stale.handOver(() -> runOnLane(() -> restore(namespace, auth, pid, offset, recovery)));
        } else {
          restore(namespace, auth, pid, offset, recovery);
        }
      };
      // A client may be back on another connection while its first attempt is still being
      // restored, or while its old socket is still storing the session: wait for that here, so
      // two attempts never share the held packets and none finds the session missing.
      CompletableFuture<Void> mine = new CompletableFuture<>();
      if (restoring == null) restoring = new HashMap<>(2);
      restoring.put(name, mine);
      CompletableFuture<Void> before = namespace.sessionBusy(pid, mine);
      if (before == null) {
        resume.run();
      } else {
        before.completeOnTimeout(null, RESTORE_WAIT_SECONDS, TimeUnit.SECONDS)
            .whenComplete((ignored, error) -> runOnLane(resume));
      }
      return;
    }
    createSocket(namespace, auth, null, recovery);
  }

  /**
   * Lane. Asks the adapter for the session {@code pid} stood for, after {@code offset} or, without
   * one, after the point its socket started from (kept with the session, so any node can tell),
   * then makes the socket.
   */
  private void restore(Namespace namespace, Map<String, Object> auth, String pid, String offset,
      ConnectionStateRecovery recovery) {
    namespace.adapter().restoreSession(pid, offset).whenComplete((result, error) -> runOnLane(() -> {
      RestoreResult outcome = result != null ? result : RestoreResult.failed(RecoveryFailure.UNKNOWN);
      if (error != null) LOG.log(System.Logger.Level.WARNING, "restoring a session failed", error);
      createSocket(namespace, auth, outcome, recovery);
    }));
  }

  /** Lane. Closes the connection when its last socket was handed over to another connection. */
  void closeIfUnused() {
    if (sockets.isEmpty() && connecting == null) close();
  }

  /** Lane. Makes the socket (restored, or fresh with the reason recovery failed) and runs middleware. */
  private void createSocket(Namespace namespace, Map<String, Object> auth, RestoreResult restore,
      ConnectionStateRecovery recovery) {
    Map<String, Object> authCopy = auth.isEmpty() ? Map.of() : new LinkedHashMap<>(auth);
    Socket socket = restore == null ? new Socket(namespace, this, authCopy)
        : new Socket(namespace, this, authCopy, restore.session(), restore.failure());
    if (socket.recovered() && recovery.skipMiddlewares()) {
      finishConnect(namespace, socket, null);
      return;
    }
    // A middleware that calls next before returning finishes here, in this task, so a packet that
    // follows the CONNECT finds the socket; one that finishes later (any thread) is queued.
    namespace.runMiddlewares(socket, error -> runOnLane(() -> finishConnect(namespace, socket, error)));
  }

  private void finishConnect(Namespace namespace, Socket socket, Exception error) {
    try {
      finishConnectHere(namespace, socket, error);
    } finally {
      restoreEnded(namespace.name());
    }
  }

  /** Lane. Lets another restore of the same session on this node go ahead. */
  private void restoreEnded(String name) {
    CompletableFuture<Void> mine = restoring == null ? null : restoring.remove(name);
    if (mine != null) mine.complete(null);
    if (restoring != null && restoring.isEmpty()) restoring = null;
  }

  private void finishConnectHere(Namespace namespace, Socket socket, Exception error) {
    connecting.remove(namespace.name());
    if (connecting.isEmpty()) connecting = null;
    if (!isOpen()) {
      socket.abandonRestore(true); // its client left again: it may come back once more
      return;
    }
    if (error != null) {
      socket.abandonRestore(false);
      Object data = error instanceof ConnectError ce && ce.data() != null
          ? server.options().jsonMapper().toPlain(ce.data()) : null;
      String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
      write(SocketEncoder.encode(SocketPacket.connectError(namespace.name(), message, data)), false);
      return;
    }
    sockets = with(sockets, namespace.name(), socket);
    cancelConnectTimer();
    namespace.addSocket(socket);
  }

  /** Writes an encoded packet; {@code isVolatile} drops it when the transport cannot take it now. */
  boolean write(EncodedPacket packet, boolean isVolatile) {
    if (closed) return false;
    if (isVolatile && !conn.isWritable()) return false;
    return packet.hasAttachments() ? conn.sendAll(packet.messages()) : conn.send(packet.messages().get(0));
  }

  /** The socket left its namespace. */
  void remove(Socket socket) {
    String name = socket.namespace().name();
    if (sockets.get(name) != socket) return;
    Map<String, Socket> copy = new LinkedHashMap<>(sockets);
    copy.remove(name);
    sockets = Map.copyOf(copy);
  }

  /** Lane. A copy of {@code map} with one more entry, immutable. */
  private static Map<String, Socket> with(Map<String, Socket> map, String name, Socket socket) {
    if (map.isEmpty()) return Map.of(name, socket);
    Map<String, Socket> copy = new LinkedHashMap<>(map);
    copy.put(name, socket);
    return Map.copyOf(copy);
  }

  /** Lane. Stops the connect timer, if still running, and lets go of it. */
  private void cancelConnectTimer() {
    Cancellable timer = connectTimer;
    if (timer == null) return;
    timer.cancel();
    connectTimer = null;
  }

  /** {@code socket.disconnect(true)}: every socket of this client leaves, then the session closes. */
  void disconnectAll() {
    runOnLane(() -> {
      for (Socket socket : new ArrayList<>(sockets.values())) socket.disconnect(false);
      close();
    });
  }

  /** Closes the session from the server side; sockets still here get "forced server close". */
  private void close() {
    if (closed) return;
    for (Socket socket : new ArrayList<>(sockets.values())) socket.onClose(DisconnectReason.FORCED_SERVER_CLOSE);
    closed = true;
    conn.close(); // flushes what is queued (the DISCONNECT packets) first
  }

  private void onEngineClose(CloseReason reason) {
    cancelConnectTimer();
    if (attachmentTimer != null) {
      attachmentTimer.cancel();
      attachmentTimer = null;
    }
    DisconnectReason why = DisconnectReason.of(reason);
    for (Socket socket : new ArrayList<>(sockets.values())) socket.onClose(why);
    closed = true;
    sockets = Map.of();
    decoder.reset();
  }
}
