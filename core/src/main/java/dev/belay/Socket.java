package dev.belay;

import dev.belay.adapter.BroadcastFlags;
import dev.belay.adapter.BroadcastOptions;
import dev.belay.adapter.LocalSocket;
import dev.belay.adapter.RecoveryFailure;
import dev.belay.adapter.Session;
import dev.belay.adapter.SessionToPersist;
import dev.belay.engine.TransportRequest;
import dev.belay.parser.EncodedPacket;
import dev.belay.parser.SocketEncoder;
import dev.belay.parser.SocketPacket;
import dev.belay.stream.OutboundStream;
import dev.belay.stream.SocketStreams;
import dev.belay.stream.StreamListener;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client in one namespace: receives its events, emits to it, keeps its rooms.
 *
 * <pre>{@code
 * server.on("connection", socket -> {
 *   socket.join("lobby");
 *   socket.on("chat", (args, ack) -> {
 *     socket.to("lobby").emit("chat", socket.id(), args.get(0));   // everyone in the lobby but me
 *     ack.send("delivered");
 *   });
 *   socket.timeout(Duration.ofSeconds(5)).emitWithAck("whoami")
 *       .thenAccept(answer -> socket.data().put("name", answer.get(0)));
 *   socket.onDisconnect(reason -> System.out.println(socket.id() + " left: " + reason.text()));
 * });
 * }</pre>
 *
 * <p>Threading: listeners of one socket run one at a time, in the order the client sent its
 * packets, on a worker thread (the client's lane), never on an I/O thread. Every method may be
 * called from any thread. A listener must not block waiting for this client's acknowledgement
 * (it arrives on the same lane): chain on the future instead.
 */
public final class Socket implements RemoteSocket {
  private static final SecureRandom RANDOM = new SecureRandom();

  private enum State { CONNECTING, CONNECTED, DISCONNECTED }

  private final String id;
  // The private session id a client recovers this socket with (null when recovery is off); final.
  private final String pid;
  // Whether this socket took back a disconnected socket's id, rooms and data; final.
  private final boolean recovered;
  // Why the client's attempt to recover failed, or null (no attempt, or it succeeded); final.
  private final RecoveryFailure recoveryFailure;
  // Where a client that got no packet yet resumes from (Adapter.resumePoint), taken when the socket
  // was first created and kept with its session; null when recovery is off or the adapter cannot tell. Final.
  private final String resumePoint;
  // The restored session's missed packets, sent right after CONNECT, then null; confined to the lane.
  private List<List<Object>> missedPackets;
  // Answers to the client's acknowledged events, kept with recovery on so that an event re-sent
  // after a reconnection is answered again rather than handled twice; created on the first one
  // (under this socket's monitor) or taken over from the restored session, then any thread.
  private volatile AckReplies replies;
  private final Namespace namespace;
  private final Client client;
  // The CONNECT packet's auth payload (unmodifiable); final. The Handshake is built from it, the
  // engine request and the session's start on first use: most sockets never ask, and its maps
  // would cost about a kilobyte per idle socket.
  private final Map<String, Object> auth;
  // Built once on first handshake(), under this socket's monitor; any thread reads.
  private volatile Handshake handshake;
  private final LocalSocket local = new SocketAsLocal(this);
  // Application data; created on first data() under this socket's monitor (most sockets never
  // use it), then any thread.
  private volatile Map<String, Object> data;
  // Listeners, middleware and catch-alls; thread-safe (see SocketListeners).
  private final SocketListeners listeners = new SocketListeners();
  // Emits waiting for the client's acknowledgement; thread-safe (see PendingAcks).
  private final PendingAcks acks;
  // Large-data transfers (see dev.belay.stream); created on first use under this socket's monitor
  // or taken over from the restored session, then any thread.
  private volatile SocketStreams streams;
  // Lifecycle; moved to CONNECTED and DISCONNECTED on the lane, read from any thread.
  private volatile State state = State.CONNECTING;

  Socket(Namespace namespace, Client client, Map<String, Object> auth) {
    this(namespace, client, auth, null, null);
  }

  /**
   * A socket that takes back {@code restored} (its id, private id, data and missed packets; the
   * adapter already put it back in its rooms), or a fresh one, told {@code failure} when its
   * client asked to recover and could not.
   */
  Socket(Namespace namespace, Client client, Map<String, Object> auth, Session restored, RecoveryFailure failure) {
    this.namespace = namespace;
    this.client = client;
    this.acks = new PendingAcks(client);
    this.auth = auth.isEmpty() ? Map.of() : Collections.unmodifiableMap(auth);
    boolean recovery = client.server().options().connectionStateRecovery() != null;
    this.recovered = restored != null;
    this.recoveryFailure = restored == null ? failure : null;
    if (restored != null) {
      this.id = restored.sid();
      this.pid = restored.pid();
      if (!restored.data().isEmpty()) data().putAll(withoutNulls(restored.data()));
      this.missedPackets = restored.missedPackets();
      this.resumePoint = restored.resumePoint();
      AckReplies kept = namespace.takeReplies(pid);
      if (kept != null) {
        kept.moveTo(this);
        this.replies = kept;
      }
      this.streams = SocketStreams.takeOver(client.server().streams(), pid, new SocketStreamLink(this));
    } else {
      this.id = newId();
      this.pid = recovery ? newId() : null;
      this.resumePoint = recovery ? namespace.adapter().resumePoint() : null;
    }
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> data) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(data);
    copy.values().removeIf(Objects::isNull);
    return copy;
  }

  private static String newId() {
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Handshake buildHandshake(TransportRequest request, long createdAt, Map<String, Object> auth) {
    String address = request.remoteAddress() == null ? null
        : request.remoteAddress().getAddress() == null ? request.remoteAddress().getHostString()
        : request.remoteAddress().getAddress().getHostAddress();
    return new Handshake(request.headers(), request.queryParameters(), auth, address,
        Instant.ofEpochMilli(createdAt).toString(), createdAt, request.url(), request.secure());
  }

  // ---------------------------------------------------------------- identity and state

  /** The socket id: 120 random bits, URL-safe; also a room holding only this socket. */
  @Override
  public String id() {
    return id;
  }

  @Override
  public Handshake handshake() {
    Handshake h = handshake;
    if (h != null) return h;
    synchronized (this) {
      if (handshake == null) handshake = buildHandshake(client.conn().request(), client.conn().createdAt(), auth);
      return handshake;
    }
  }

  /** Application data for this socket (a user name, a session); thread-safe, null values not allowed. */
  @Override
  public Map<String, Object> data() {
    Map<String, Object> d = data;
    if (d != null) return d;
    synchronized (this) {
      if (data == null) data = new ConcurrentHashMap<>();
      return data;
    }
  }

  public Namespace namespace() {
    return namespace;
  }

  /** The engine session id, shared by this client's sockets in other namespaces. */
  public String connectionId() {
    return client.conn().id();
  }

  /** The current transport of the connection: {@code polling}, {@code websocket} or {@code sse}. */
  public String transport() {
    return client.conn().transport();
  }

  /**
   * The low-level connection under this socket (Socket.IO's {@code socket.conn}), shared with the
   * client's sockets in other namespaces: its transport, upgrades, and a way to cut it.
   *
   * <pre>{@code
   * socket.conn().onUpgrade(transport -> log.info(socket.id() + " now on " + transport));
   * }</pre>
   */
  public Connection conn() {
    return new Connection(client);
  }

  public boolean connected() {
    return state == State.CONNECTED;
  }

  Client client() {
    return client;
  }

  /** The private session id (recovery on), or null; never sent to anyone but this socket's client. */
  String pid() {
    return pid;
  }

  /**
   * Its client came back on another connection, with this socket's private id, while this one
   * still looks connected here (a half-open connection not noticed yet): the socket leaves as if
   * its transport closed, so its session is kept, the old connection is closed, then {@code then}
   * runs (the restore). On this socket's lane.
   */
  void handOver(Runnable then) {
    client.runOnLane(() -> {
      onClose(DisconnectReason.TRANSPORT_CLOSE);
      client.closeIfUnused();
      then.run();
    });
  }

  /**
   * Whether this socket is a disconnected one taken back by its client (connection state
   * recovery): same id, rooms and data, and the packets it missed were sent again first.
   *
   * <pre>{@code
   * server.on("connection", socket -> {
   *   if (!socket.recovered()) socket.emit("welcome", Map.of("id", socket.id()));
   * });
   * }</pre>
   */
  public boolean recovered() {
    return recovered;
  }

  /**
   * Why this socket's client could not recover its previous session (the gap signal: what it
   * missed is lost), or null when it did not try or recovered.
   *
   * <pre>{@code
   * if (socket.recoveryFailure() != null) socket.emit("resync", socket.recoveryFailure().name());
   * }</pre>
   */
  public RecoveryFailure recoveryFailure() {
    return recoveryFailure;
  }

  /** The rooms this socket is in, its own id included; empty once disconnected. */
  @Override
  public Set<String> rooms() {
    return namespace.adapter().socketRooms(id);
  }

  @Override
  public void join(String... rooms) {
    if (state == State.DISCONNECTED) return;
    Set<String> joining = Set.of(rooms);
    Set<String> before = namespace.watchesRooms() ? rooms() : null;
    namespace.adapter().addAll(id, joining);
    // A join racing with the socket's departure (from another thread) must not leave it in rooms.
    if (state == State.DISCONNECTED) {
      namespace.adapter().delAll(id);
      return;
    }
    if (before != null) {
      for (String room : joining) if (!before.contains(room)) namespace.roomChanged(room, id, true);
    }
  }

  @Override
  public void leave(String room) {
    boolean told = namespace.watchesRooms() && rooms().contains(room);
    namespace.adapter().del(id, room);
    if (told) namespace.roomChanged(room, id, false);
  }

  // ---------------------------------------------------------------- listeners

  /**
   * Adds a listener for {@code event}. The reserved {@code "disconnect"} and {@code "disconnecting"}
   * get the reason's text as their single argument.
   */
  public Socket on(String event, EventListener listener) {
    listeners.add(event, listener);
    return this;
  }

  /**
   * Adds a listener for the next {@code event} only: it is removed before it runs.
   *
   * <pre>{@code
   * socket.once("ready", (args, ack) -> socket.emit("welcome"));
   * }</pre>
   */
  public Socket once(String event, EventListener listener) {
    listeners.addOnce(event, listener);
    return this;
  }

  /** Adds a listener whose first argument is mapped to {@code type} through the {@link JsonMapper}. */
  public <T> Socket on(String event, Class<T> type, TypedEventListener<T> listener) {
    return on(event, (args, ack) -> listener.onEvent(arg(args, 0, type), ack));
  }

  /**
   * Adds a listener whose first two arguments are mapped to {@code first} and {@code second}
   * through the {@link JsonMapper}: {@code on("move", Move.class, Player.class, (move, player, ack) -> ...)}.
   */
  public <A, B> Socket on(String event, Class<A> first, Class<B> second, TypedEventListener2<A, B> listener) {
    return on(event, (args, ack) -> listener.onEvent(arg(args, 0, first), arg(args, 1, second), ack));
  }

  /** Adds a listener whose first three arguments are mapped through the {@link JsonMapper}. */
  public <A, B, C> Socket on(String event, Class<A> first, Class<B> second, Class<C> third,
      TypedEventListener3<A, B, C> listener) {
    return on(event, (args, ack) ->
        listener.onEvent(arg(args, 0, first), arg(args, 1, second), arg(args, 2, third), ack));
  }

  /** Argument {@code index} mapped to {@code type}, or null when the client sent fewer. */
  private <T> T arg(List<Object> args, int index, Class<T> type) {
    return index < args.size() ? mapper().fromPlain(args.get(index), type) : null;
  }

  /** Removes every listener of {@code event}. */
  public Socket off(String event) {
    listeners.removeAll(event);
    return this;
  }

  /**
   * Removes {@code listener} from {@code event} (the latest registration, if it was added more
   * than once; one added with {@link #once} too). Typed listeners are wrapped when added, so
   * keep an {@link EventListener} to remove it later.
   */
  public Socket off(String event, EventListener listener) {
    listeners.remove(event, listener);
    return this;
  }

  /** Adds a listener that sees every incoming event before its own listeners. */
  public Socket onAny(AnyListener listener) {
    listeners.addAny(listener);
    return this;
  }

  /** Removes {@code listener} from the incoming catch-all listeners. */
  public Socket offAny(AnyListener listener) {
    listeners.removeAny(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes every incoming catch-all listener. */
  public Socket offAny() {
    listeners.removeAny(null);
    return this;
  }

  /**
   * Adds a listener that sees every event emitted to this client, by {@link #emit} and by
   * broadcasts that reach it, with the arguments as they go on the wire (after the
   * {@link JsonMapper}; an acknowledgement callback is not among them). It runs on the emitting
   * thread, before the packet is sent, and must not block.
   *
   * <pre>{@code
   * socket.onAnyOutgoing((event, args) -> log.debug("to " + socket.id() + ": " + event + " " + args));
   * }</pre>
   */
  public Socket onAnyOutgoing(AnyListener listener) {
    listeners.addAnyOutgoing(listener);
    return this;
  }

  /** Removes {@code listener} from the outgoing catch-all listeners. */
  public Socket offAnyOutgoing(AnyListener listener) {
    listeners.removeAnyOutgoing(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes every outgoing catch-all listener. */
  public Socket offAnyOutgoing() {
    listeners.removeAnyOutgoing(null);
    return this;
  }

  /**
   * Tells the outgoing catch-all listeners of an event sent to this client: {@code eventData} is
   * the packet's data, the event name first, then the plain arguments. Called by the emit path and
   * by broadcast delivery; costs one volatile read when no such listener is registered.
   */
  void notifyOutgoing(List<Object> eventData) {
    listeners.notifyOutgoing(eventData);
  }

  /** Adds packet middleware, run in order before the listeners of each incoming event. */
  public Socket use(PacketMiddleware middleware) {
    listeners.addMiddleware(middleware);
    return this;
  }

  /** Called before the socket leaves its rooms. */
  public Socket onDisconnecting(DisconnectListener listener) {
    listeners.addDisconnecting(listener);
    return this;
  }

  /** Called once the socket has left its namespace. */
  public Socket onDisconnect(DisconnectListener listener) {
    listeners.addDisconnect(listener);
    return this;
  }

  /**
   * Opens a large-data transfer to this client, which receives it with {@code socket.onStream(name, ...)}:
   * {@code socket.stream("export", meta).write(bytes)} (see {@link OutboundStream}).
   */
  public OutboundStream stream(String name, Object meta) {
    return streams().open(name, meta);
  }

  /** Receives the client's transfers named {@code name} (see {@link dev.belay.stream.InboundStream}). */
  public Socket onStream(String name, StreamListener listener) {
    streams().onStream(name, listener);
    return this;
  }

  private SocketStreams streams() {
    if (streams != null) return streams;
    synchronized (this) {
      if (streams == null) streams = new SocketStreams(client.server().streams(), new SocketStreamLink(this));
      return streams;
    }
  }

  JsonMapper mapper() {
    return client.server().options().jsonMapper();
  }

  // ---------------------------------------------------------------- emitting

  /**
   * Emits {@code event} to this client. Arguments go through the {@link JsonMapper}; {@code byte[]}
   * anywhere inside travels as binary. A last argument that is an {@link AckCallback} asks the
   * client for an acknowledgement (waiting at most the server's ackTimeout).
   */
  @Override
  public void emit(String event, Object... args) {
    emitter().emit(event, args);
  }

  /** Emits {@code event} and completes with the client's acknowledgement, or fails after ackTimeout. */
  public CompletableFuture<List<Object>> emitWithAck(String event, Object... args) {
    return emitter().emitWithAck(event, args);
  }

  /**
   * Emits {@code event} and completes with the acknowledgement's first argument mapped to
   * {@code type} through the {@link JsonMapper} ({@code null} if the client answered with none).
   *
   * <pre>{@code
   * socket.emitWithAck(Answer.class, "question", "why?").thenAccept(answer -> log.info(answer.text()));
   * }</pre>
   */
  public <T> CompletableFuture<T> emitWithAck(Class<T> type, String event, Object... args) {
    return emitter().emitWithAck(type, event, args);
  }

  /** Emits with an acknowledgement timeout: {@code socket.timeout(d).emitWithAck("question")}. */
  public Emitter timeout(Duration timeout) {
    return emitter().timeout(timeout);
  }

  /** Emits that are dropped when the client cannot take them right now (Socket.IO's {@code volatile}). */
  public Emitter asVolatile() {
    return emitter().asVolatile();
  }

  /** Every socket in {@code rooms}, except this one. */
  public BroadcastOperator to(String... rooms) {
    return broadcast().to(rooms);
  }

  /** Same as {@link #to(String...)}. */
  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  /** Every socket of the namespace except this one and those in {@code rooms}. */
  public BroadcastOperator except(String... rooms) {
    return broadcast().except(rooms);
  }

  /** Every socket of the namespace except this one. */
  public BroadcastOperator broadcast() {
    return namespace.newBroadcast().except(id);
  }

  private Emitter emitter() {
    return new Emitter(this, null, false);
  }

  /** Sends an event; called by {@link Emitter}. */
  void sendEvent(String event, Object[] args, AckCallback callback, Duration timeout, boolean isVolatile) {
    if (Events.RESERVED.contains(event)) throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
    JsonMapper mapper = mapper();
    List<Object> data = new ArrayList<>(args.length + 1);
    data.add(event);
    for (Object arg : args) data.add(mapper.toPlain(arg));
    Long ackId = null;
    if (callback != null) {
      ackId = namespace.nextAckId();
      acks.register(ackId, callback, timeout == null ? client.server().options().ackTimeout() : timeout);
    }
    SocketPacket packet = SocketPacket.event(namespace.name(), data, ackId);
    if (ackId == null && client.server().options().connectionStateRecovery() != null) {
      // Through the adapter, to this socket's own room, so that the packet gets an offset and is
      // kept for replay; also while the socket is away, so that its client gets it on recovery.
      BroadcastFlags flags = BroadcastFlags.NONE.withVolatile(isVolatile);
      namespace.adapter().broadcast(packet, new BroadcastOptions(Set.of(id), Set.of(), flags));
      return;
    }
    if (state != State.CONNECTED) {
      if (ackId != null) acks.fail(ackId, new IllegalStateException("socket " + id + " is not connected"));
      return;
    }
    EncodedPacket wire = SocketEncoder.encode(packet);
    notifyOutgoing(data);
    boolean written = client.write(wire, isVolatile);
    if (!written && ackId != null && isVolatile) acks.fail(ackId, new IllegalStateException("volatile emit dropped"));
  }

  /**
   * Sends an ACK for the client's event {@code ackId}; called by {@link Ack}. With recovery on the
   * answer is kept, and goes to the socket restored in this one's place if the client came back.
   */
  void sendAck(long ackId, Object[] args) {
    JsonMapper mapper = mapper();
    List<Object> data = new ArrayList<>(args.length);
    for (Object arg : args) data.add(mapper.toPlain(arg));
    AckReplies kept = replies;
    if (kept == null) {
      writeAck(ackId, data);
      return;
    }
    kept.answered(ackId, data);
    kept.current().writeAck(ackId, data);
  }

  private void writeAck(long ackId, List<?> data) {
    if (state != State.CONNECTED) return;
    client.write(SocketEncoder.encode(SocketPacket.ack(namespace.name(), data, ackId)), false);
  }

  /** The answers kept for this session, created on first use. */
  private AckReplies replies() {
    AckReplies r = replies;
    if (r != null) return r;
    synchronized (this) {
      if (replies == null) replies = new AckReplies(this);
      return replies;
    }
  }

  /** Registers a broadcast's ack id (the broadcast owns the timeout); false if not connected. */
  boolean expectAck(long ackId, AckCallback callback) {
    if (state != State.CONNECTED) return false;
    acks.expect(ackId, callback);
    return true;
  }

  /** Drops a broadcast's ack id after its timeout, without calling back. */
  void forgetAck(long ackId) {
    acks.forget(ackId);
  }

  // ---------------------------------------------------------------- incoming packets (lane)

  void onPacket(SocketPacket packet) {
    switch (packet.type()) {
      case EVENT, BINARY_EVENT -> onEvent(packet);
      case ACK, BINARY_ACK -> {
        @SuppressWarnings("unchecked")
        List<Object> args = (List<Object>) packet.data();
        acks.answer(packet.id(), Collections.unmodifiableList(args));
      }
      case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
      default -> { }
    }
  }

  private void onEvent(SocketPacket packet) {
    @SuppressWarnings("unchecked")
    List<Object> event = (List<Object>) packet.data(); // the decoder's own list: no copy needed
    if (packet.id() != null && pid != null) {
      // A client that re-sends an acknowledged event after a reconnection (same ack id) is answered
      // again, not handled twice; one still being handled gets its answer when it is ready.
      Object seen = replies().begin(packet.id());
      if (seen == AckReplies.RUNNING) return;
      if (seen != null) {
        writeAck(packet.id(), (List<?>) seen);
        return;
      }
    }
    Ack ack = packet.id() == null ? Ack.NONE : new Ack(this, packet.id());
    List<PacketMiddleware> middlewares = listeners.middlewares();
    if (middlewares.isEmpty()) {
      dispatch(event, ack);
      return;
    }
    MiddlewareChain.run(middlewares, (middleware, next) -> middleware.handle(event, next), error -> {
      // Middleware that finished before returning dispatches in this task; later, on the lane.
      if (error == null) client.runOnLane(() -> dispatch(event, ack));
      else client.runOnLane(() -> listeners.emitLocal("error", List.of(error), Ack.NONE));
    });
  }

  private void dispatch(List<Object> event, Ack ack) {
    if (state != State.CONNECTED || event.isEmpty() || !(event.get(0) instanceof String name)) return;
    if (name.startsWith(SocketStreams.PREFIX) && streams().handle(name, event.subList(1, event.size()))) return;
    ServerObserver observer = client.server().observer();
    if (observer == ServerObserver.NONE) {
      listeners.dispatch(name, Collections.unmodifiableList(event.subList(1, event.size())), ack);
      return;
    }
    long start = System.nanoTime();
    listeners.dispatch(name, Collections.unmodifiableList(event.subList(1, event.size())), ack);
    observer.listenersRan(System.nanoTime() - start, client.server().options().engine().listenersOnIoThread());
  }

  // ---------------------------------------------------------------- lifecycle (lane)

  /**
   * Called by the namespace once every middleware passed (or was skipped for a restored socket).
   * A restored socket sends CONNECT, then the packets it missed, then joins its own room: the
   * adapter held every broadcast to it since the restore and releases them at that join, so the
   * client sees them all once, in order.
   */
  void onConnected() {
    state = State.CONNECTED;
    Map<String, Object> reply = Map.of("sid", id);
    if (pid != null) {
      reply = new java.util.LinkedHashMap<>(reply); // {"sid","pid"}, in Socket.IO's order
      reply.put("pid", pid);
    }
    if (!recovered) join(id);
    client.write(SocketEncoder.encode(SocketPacket.connect(namespace.name(), reply)), false);
    if (!recovered) return;
    for (List<Object> missed : missedPackets) {
      notifyOutgoing(missed);
      client.write(SocketEncoder.encode(SocketPacket.event(namespace.name(), missed, null)), false);
    }
    missedPackets = null;
    join(id);
    if (streams != null) streams.resume();
  }

  /**
   * A restored socket that will not connect after all (refused by middleware, or its client left
   * again first): with {@code keep}, its session is stored again for a later attempt; either way
   * the adapter stops holding packets for it.
   */
  void abandonRestore(boolean keep) {
    if (!recovered) return;
    List<String> rooms = List.copyOf(rooms());
    namespace.adapter().delAll(id);
    storeSession(keep, rooms, keep ? "left again while reconnecting" : "refused on reconnection");
  }

  /**
   * With {@code keep}, stores this socket's session for a later restore: the socket layer's part,
   * the adapter's ({@code rooms} and data) and its open transfers; without, its transfers fail for
   * {@code reason}.
   */
  private void storeSession(boolean keep, List<String> rooms, String reason) {
    if (keep) {
      // The socket layer's part first: once the adapter has the session, a client on another lane
      // may restore it at once, and must find the answers already there.
      if (replies != null) namespace.keepReplies(pid, replies);
      namespace.adapter().persistSession(session(rooms));
    }
    if (streams != null) streams.suspend(keep ? pid : null, client.server().options().connectionStateRecovery(), reason);
  }

  private Map<String, Object> dataSnapshot() {
    Map<String, Object> d = data;
    return d == null ? Map.of() : Map.copyOf(d);
  }

  /**
   * Removes this socket from its namespace. With {@code close}, the client's whole connection is
   * closed too (its sockets in other namespaces included).
   */
  @Override
  public void disconnect(boolean close) {
    if (close) {
      client.disconnectAll();
      return;
    }
    // From a listener (on the lane) it takes effect before this call returns; from elsewhere, in
    // order with the client's packets.
    client.runOnLane(() -> {
      if (state != State.CONNECTED) return;
      client.write(SocketEncoder.encode(SocketPacket.disconnect(namespace.name())), false);
      onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    });
  }

  /** Leaves the namespace for {@code reason}; runs on the lane; only the first call counts. */
  void onClose(DisconnectReason reason) {
    if (state != State.CONNECTED) return;
    namespace.leaving(+1);
    // Its client may be back on another connection before the session is stored (this socket is
    // already out of the namespace then): that attempt waits until it is.
    CompletableFuture<Void> stored = pid != null && reason.recoverable() ? new CompletableFuture<>() : null;
    if (stored != null) namespace.sessionBusy(pid, stored);
    try {
      leave(reason);
    } finally {
      namespace.leaving(-1);
      if (stored != null) stored.complete(null);
    }
  }

  private void leave(DisconnectReason reason) {
    listeners.fireDisconnecting(reason);
    state = State.DISCONNECTED;
    boolean keep = pid != null && reason.recoverable();
    List<String> lastRooms = keep || namespace.watchesRooms() ? List.copyOf(rooms()) : null;
    namespace.adapter().delAll(id);
    if (lastRooms != null && namespace.watchesRooms()) {
      for (String room : lastRooms) namespace.roomChanged(room, id, false);
    }
    namespace.removeSocket(this);
    client.remove(this);
    // Stored only once this socket is out of its rooms and its namespace, so that a client quick
    // to come back never has its restored rooms taken away by this departure.
    storeSession(keep, lastRooms, reason.text());
    acks.failAll("socket disconnected: " + reason.text());
    listeners.fireDisconnect(reason);
    client.server().observer().socketDisconnected(reason);
  }

  LocalSocket local() {
    return local;
  }

  /** Its session as it stands, for the adapter to keep (live sessions), or null when not connected or without recovery. */
  SessionToPersist sessionToKeep() {
    if (pid == null || state != State.CONNECTED) return null;
    return session(List.copyOf(rooms()));
  }

  /** This socket's session with {@code rooms}, for the adapter to keep. */
  private SessionToPersist session(List<String> rooms) {
    return new SessionToPersist(id, pid, rooms, dataSnapshot(), resumePoint);
  }

  @Override
  public String toString() {
    return "Socket[" + id + " " + namespace.name() + " " + state + "]";
  }
}
