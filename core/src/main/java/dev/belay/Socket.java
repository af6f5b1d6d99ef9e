package dev.belay;

import dev.belay.adapter.BroadcastFlags;
import dev.belay.adapter.BroadcastOptions;
import dev.belay.adapter.LocalSocket;
import dev.belay.engine.Cancellable;
import dev.belay.engine.TransportRequest;
import dev.belay.parser.EncodedPacket;
import dev.belay.parser.SocketEncoder;
import dev.belay.parser.SocketPacket;
import dev.belay.parser.SocketPacketType;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private static final System.Logger LOG = System.getLogger(Socket.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> RESERVED_EVENTS =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private enum State { CONNECTING, CONNECTED, DISCONNECTED }

  private final String id = newId();
  private final Namespace namespace;
  private final Client client;
  // The CONNECT packet's auth payload (unmodifiable); final. The Handshake is built from it, the
  // engine request and the session's start on first use: most sockets never ask, and its maps
  // cost about a kilobyte per socket (issue 7's idle-heap bar).
  private final Map<String, Object> auth;
  // Built once on first handshake(), under this socket's monitor; any thread reads.
  private volatile Handshake handshake;
  private final LocalSocket local = new Local();
  // Application data; created on first data() under this socket's monitor (most sockets never
  // use it), then any thread.
  private volatile Map<String, Object> data;
  // Listener registries: immutable snapshots replaced under this socket's monitor when a listener
  // is added (rare, at setup), read without a lock on the lane. An empty registry is a shared
  // immutable empty, so a socket pays only for the listeners it has.
  // event name -> listeners.
  private volatile Map<String, List<EventListener>> listeners = Map.of();
  // Any-event listeners.
  private volatile List<AnyListener> anyListeners = List.of();
  // Packet middleware.
  private volatile List<PacketMiddleware> middlewares = List.of();
  // disconnecting / disconnect listeners.
  private volatile List<DisconnectListener> disconnectingListeners = List.of();
  private volatile List<DisconnectListener> disconnectListeners = List.of();
  // ack id -> waiting emit; created on the first ack expected (under this socket's monitor), null
  // until then. Emits add from any thread, the lane or a timer removes (first remover wins).
  private volatile Map<Long, PendingAck> pendingAcks;
  // Lifecycle; moved to CONNECTED and DISCONNECTED on the lane, read from any thread.
  private volatile State state = State.CONNECTING;

  Socket(Namespace namespace, Client client, Map<String, Object> auth) {
    this.namespace = namespace;
    this.client = client;
    this.auth = auth.isEmpty() ? Map.of() : Collections.unmodifiableMap(auth);
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

  public boolean connected() {
    return state == State.CONNECTED;
  }

  /** The rooms this socket is in, its own id included; empty once disconnected. */
  @Override
  public Set<String> rooms() {
    return namespace.adapter().socketRooms(id);
  }

  @Override
  public void join(String... rooms) {
    if (state == State.DISCONNECTED) return;
    namespace.adapter().addAll(id, Set.of(rooms));
    // A join racing with the socket's departure (from another thread) must not leave it in rooms.
    if (state == State.DISCONNECTED) namespace.adapter().delAll(id);
  }

  @Override
  public void leave(String room) {
    namespace.adapter().del(id, room);
  }

  // ---------------------------------------------------------------- listeners

  /**
   * Adds a listener for {@code event}. The reserved {@code "disconnect"} and {@code "disconnecting"}
   * get the reason's text as their single argument.
   */
  public Socket on(String event, EventListener listener) {
    switch (event) {
      case "disconnect" -> onDisconnect(reason -> listener.onEvent(List.of(reason.text()), Ack.NONE));
      case "disconnecting" -> onDisconnecting(reason -> listener.onEvent(List.of(reason.text()), Ack.NONE));
      default -> {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
          Map<String, List<EventListener>> copy = new HashMap<>(listeners);
          copy.put(event, append(copy.getOrDefault(event, List.of()), listener));
          listeners = Map.copyOf(copy);
        }
      }
    }
    return this;
  }

  /** Adds a listener whose first argument is mapped to {@code type} through the {@link JsonMapper}. */
  public <T> Socket on(String event, Class<T> type, TypedEventListener<T> listener) {
    return on(event, (args, ack) -> listener.onEvent(args.isEmpty() ? null : mapper().fromPlain(args.get(0), type), ack));
  }

  /** Removes every listener of {@code event}. */
  public Socket off(String event) {
    synchronized (this) {
      if (!listeners.containsKey(event)) return this;
      Map<String, List<EventListener>> copy = new HashMap<>(listeners);
      copy.remove(event);
      listeners = Map.copyOf(copy);
    }
    return this;
  }

  /** Adds a listener that sees every incoming event before its own listeners. */
  public Socket onAny(AnyListener listener) {
    synchronized (this) {
      anyListeners = append(anyListeners, listener);
    }
    return this;
  }

  /** Adds packet middleware, run in order before the listeners of each incoming event. */
  public Socket use(PacketMiddleware middleware) {
    synchronized (this) {
      middlewares = append(middlewares, middleware);
    }
    return this;
  }

  /** Called before the socket leaves its rooms. */
  public Socket onDisconnecting(DisconnectListener listener) {
    synchronized (this) {
      disconnectingListeners = append(disconnectingListeners, listener);
    }
    return this;
  }

  /** Called once the socket has left its namespace. */
  public Socket onDisconnect(DisconnectListener listener) {
    synchronized (this) {
      disconnectListeners = append(disconnectListeners, listener);
    }
    return this;
  }

  /** A copy of {@code list} with {@code item} appended, immutable. */
  private static <T> List<T> append(List<T> list, T item) {
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(Objects.requireNonNull(item, "listener"));
    return List.copyOf(copy);
  }

  private JsonMapper mapper() {
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
    if (RESERVED_EVENTS.contains(event)) throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
    JsonMapper mapper = mapper();
    List<Object> data = new ArrayList<>(args.length + 1);
    data.add(event);
    for (Object arg : args) data.add(mapper.toPlain(arg));
    Long ackId = null;
    if (callback != null) {
      ackId = namespace.nextAckId();
      registerAck(ackId, callback, timeout == null ? client.server().options().ackTimeout() : timeout);
    }
    if (state != State.CONNECTED) {
      if (ackId != null) failAck(ackId, new IllegalStateException("socket " + id + " is not connected"));
      return;
    }
    SocketPacket packet = SocketPacket.event(namespace.name(), data, ackId);
    if (client.server().options().connectionStateRecovery() != null) {
      // Through the adapter, to this socket's own room, so that the packet gets an offset and is
      // kept for replay (an acknowledged one is delivered but not kept).
      BroadcastFlags flags = BroadcastFlags.NONE.withVolatile(isVolatile);
      namespace.adapter().broadcast(packet, new BroadcastOptions(Set.of(id), Set.of(), flags));
      return;
    }
    EncodedPacket wire = SocketEncoder.encode(packet);
    notifyOutgoing(data);
    boolean written = client.write(wire, isVolatile);
    if (!written && ackId != null && isVolatile) failAck(ackId, new IllegalStateException("volatile emit dropped"));
  }

  /** Tells outgoing listeners about an event about to be written to this client. */
  void notifyOutgoing(List<Object> eventData) {
    // No outgoing listeners yet.
  }

  /** Sends an ACK for the client's event {@code ackId}; called by {@link Ack}. */
  void sendAck(long ackId, Object[] args) {
    if (state != State.CONNECTED) return;
    JsonMapper mapper = mapper();
    List<Object> data = new ArrayList<>(args.length);
    for (Object arg : args) data.add(mapper.toPlain(arg));
    client.write(SocketEncoder.encode(SocketPacket.ack(namespace.name(), data, ackId)), false);
  }

  private void registerAck(long ackId, AckCallback callback, Duration timeout) {
    PendingAck pending = new PendingAck(callback);
    Map<Long, PendingAck> acks = acks();
    acks.put(ackId, pending);
    Cancellable timer = client.server().scheduler().schedule(
        () -> client.server().workers().execute(() -> client.lane().execute(() ->
            failAck(ackId, new AckTimeoutException("no acknowledgement within " + timeout.toMillis() + " ms")))),
        timeout);
    pending.timer = timer;
    // The ack may have been answered (or failed) before the timer was stored.
    if (!acks.containsKey(ackId)) timer.cancel();
  }

  /** Registers a broadcast's ack id (the broadcast owns the timeout); false if not connected. */
  boolean expectAck(long ackId, AckCallback callback) {
    if (state != State.CONNECTED) return false;
    acks().put(ackId, new PendingAck(callback));
    return true;
  }

  /** Drops a broadcast's ack id after its timeout, without calling back. */
  void forgetAck(long ackId) {
    removeAck(ackId);
  }

  private void failAck(long ackId, Throwable error) {
    PendingAck pending = removeAck(ackId);
    if (pending != null) pending.complete(error, null);
  }

  /** The pending-ack map, created on first use (most sockets never wait for an ack). */
  private Map<Long, PendingAck> acks() {
    Map<Long, PendingAck> m = pendingAcks;
    if (m != null) return m;
    synchronized (this) {
      if (pendingAcks == null) pendingAcks = new ConcurrentHashMap<>();
      return pendingAcks;
    }
  }

  /** Removes and returns the ack waiting under {@code ackId}, or null; creates nothing. */
  private PendingAck removeAck(Long ackId) {
    Map<Long, PendingAck> m = pendingAcks;
    return m == null ? null : m.remove(ackId);
  }

  // ---------------------------------------------------------------- incoming packets (lane)

  void onPacket(SocketPacket packet) {
    switch (packet.type()) {
      case EVENT, BINARY_EVENT -> onEvent(packet);
      case ACK, BINARY_ACK -> {
        PendingAck pending = removeAck(packet.id());
        if (pending == null) return; // late, after its timeout, or unknown
        @SuppressWarnings("unchecked")
        List<Object> args = (List<Object>) packet.data();
        pending.complete(null, Collections.unmodifiableList(args));
      }
      case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
      default -> { }
    }
  }

  private void onEvent(SocketPacket packet) {
    @SuppressWarnings("unchecked")
    List<Object> event = (List<Object>) packet.data(); // the decoder's own list: no copy needed
    Ack ack = packet.id() == null ? Ack.NONE : new Ack(this, packet.id());
    if (middlewares.isEmpty()) {
      dispatch(event, ack);
      return;
    }
    MiddlewareChain.run(middlewares, (middleware, next) -> middleware.handle(event, next), error -> {
      if (error == null) client.lane().runNowOrLater(() -> dispatch(event, ack));
      else client.lane().runNowOrLater(() -> emitLocal("error", List.of(error)));
    });
  }

  private void dispatch(List<Object> event, Ack ack) {
    if (state != State.CONNECTED || event.isEmpty() || !(event.get(0) instanceof String name)) return;
    List<Object> args = Collections.unmodifiableList(event.subList(1, event.size()));
    for (AnyListener listener : anyListeners) {
      try {
        listener.onAny(name, args);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "onAny listener failed for event " + name, e);
      }
    }
    emitLocal(name, args, ack);
  }

  private void emitLocal(String name, List<Object> args) {
    emitLocal(name, args, Ack.NONE);
  }

  private void emitLocal(String name, List<Object> args, Ack ack) {
    List<EventListener> list = listeners.get(name);
    if (list == null) return;
    for (EventListener listener : list) {
      try {
        listener.onEvent(args, ack);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "listener for event " + name + " failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle (lane)

  /** Called by the namespace once every middleware passed. */
  void onConnected() {
    state = State.CONNECTED;
    join(id);
    client.write(SocketEncoder.encode(SocketPacket.connect(namespace.name(), Map.of("sid", id))), false);
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
    client.lane().runNowOrLater(() -> {
      if (state != State.CONNECTED) return;
      client.write(SocketEncoder.encode(SocketPacket.disconnect(namespace.name())), false);
      onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    });
  }

  /** Leaves the namespace for {@code reason}; runs on the lane; only the first call counts. */
  void onClose(DisconnectReason reason) {
    if (state != State.CONNECTED) return;
    fire(disconnectingListeners, reason);
    state = State.DISCONNECTED;
    namespace.adapter().delAll(id);
    namespace.removeSocket(this);
    client.remove(this);
    Map<Long, PendingAck> acks = pendingAcks;
    if (acks != null) {
      for (Long ackId : new ArrayList<>(acks.keySet())) {
        failAck(ackId, new IllegalStateException("socket disconnected: " + reason.text()));
      }
    }
    fire(disconnectListeners, reason);
  }

  private void fire(List<DisconnectListener> list, DisconnectReason reason) {
    for (DisconnectListener listener : list) {
      try {
        listener.onDisconnect(reason);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "disconnect listener failed", e);
      }
    }
  }

  LocalSocket local() {
    return local;
  }

  @Override
  public String toString() {
    return "Socket[" + id + " " + namespace.name() + " " + state + "]";
  }

  /** The socket as the adapter sees it. */
  private final class Local implements LocalSocket {
    @Override
    public String id() {
      return id;
    }

    @Override
    public void write(EncodedPacket packet, boolean isVolatile) {
      if (state != State.CONNECTED) return;
      notifyOutgoingOf(packet);
      client.write(packet, isVolatile);
    }

    @Override
    public boolean writeWithAck(EncodedPacket packet, long ackId, AckCallback onAck) {
      if (!expectAck(ackId, onAck)) return false;
      notifyOutgoingOf(packet);
      client.write(packet, false);
      return true;
    }

    private void notifyOutgoingOf(EncodedPacket packet) {
      SocketPacket source = packet.source();
      if (source != null && source.data() instanceof List<?> eventData
          && (source.type() == SocketPacketType.EVENT || source.type() == SocketPacketType.BINARY_EVENT)) {
        @SuppressWarnings("unchecked")
        List<Object> data = (List<Object>) eventData;
        notifyOutgoing(data);
      }
    }

    @Override
    public void forgetAck(long ackId) {
      Socket.this.forgetAck(ackId);
    }

    @Override
    public RemoteSocket socket() {
      return Socket.this;
    }
  }

  /** An emit waiting for its acknowledgement. */
  private static final class PendingAck {
    private final AckCallback callback;
    // Set by the registering thread after scheduling; read by whoever completes.
    volatile Cancellable timer;
    // Set once by whoever completes first (the ack on the lane, a timeout, a disconnect).
    private final AtomicBoolean done = new AtomicBoolean();

    PendingAck(AckCallback callback) {
      this.callback = callback;
    }

    void complete(Throwable error, List<Object> args) {
      if (!done.compareAndSet(false, true)) return;
      Cancellable t = timer;
      if (t != null) t.cancel();
      try {
        callback.onAck(error, args);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "ack callback failed", e);
      }
    }
  }
}
