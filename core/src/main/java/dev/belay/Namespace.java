package dev.belay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.belay.adapter.Adapter;
import dev.belay.adapter.LocalNamespace;
import dev.belay.adapter.LocalSocket;
import dev.belay.adapter.SocketDetails;
import dev.belay.engine.EngineScheduler;
import dev.belay.engine.SessionOwners;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A channel multiplexed over each client connection, with its own sockets, rooms, middleware and
 * listeners. The main namespace is {@code "/"}; {@link Server#of(String)} makes others.
 * {@link Server#of(java.util.regex.Pattern)} makes a dynamic parent: its middleware and listeners
 * apply to every child namespace created on demand when a client asks for a matching name, and
 * its broadcasts reach all children.
 *
 * <pre>{@code
 * Namespace admin = server.of("/admin");
 * admin.use((socket, next) -> { if (isAdmin(socket)) next.proceed(); else next.fail(new ConnectError("forbidden")); });
 * admin.on("connection", socket -> socket.emit("hello", "admin"));
 * admin.to("alerts").emit("alert", "disk full");
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread; listeners run on the connecting
 * client's lane.
 */
public final class Namespace {
  private static final System.Logger LOG = System.getLogger(Namespace.class.getName());
  /** How many disconnected sessions' acknowledgement answers a namespace keeps at most. */
  private static final int MAX_KEPT_REPLIES = 100_000;

  private final Server server;
  private final String name;
  // The dynamic parent this namespace was created for, or null.
  private final Namespace parent;
  // For a dynamic parent: which names it creates; null otherwise.
  private final Predicate<String> childMatcher;
  // For a dynamic parent: the children created so far; any thread.
  private final List<Namespace> children = new CopyOnWriteArrayList<>();
  // Null for a dynamic parent (it has no sockets of its own).
  private final Adapter adapter;
  // socket id -> connected socket; written on client lanes, read from any thread.
  private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
  /** Restores, and stores by leaving sockets, under way on this node, by pid, each until it ends; thread-safe map, any thread. */
  private final Map<String, CompletableFuture<Void>> restoring = new ConcurrentHashMap<>();
  /** Sockets whose disconnect is running (on their lanes); any thread. */
  private final java.util.concurrent.atomic.AtomicInteger leaving = new java.util.concurrent.atomic.AtomicInteger();
  // Any thread adds; client lanes read.
  private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
  private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
  // Told of room joins and leaves of this server's sockets; any thread. Empty costs a size check.
  private final List<RoomListener> roomListeners = new CopyOnWriteArrayList<>();
  // event -> listeners for events other servers send with serverSideEmit; any thread.
  private final Map<String, List<EventListener>> serverSideListeners = new ConcurrentHashMap<>();
  // Ack ids of this namespace, shared by socket emits and broadcasts (as in Socket.IO) so that a
  // broadcast's id never collides with one a socket already waits for; any thread.
  private final java.util.concurrent.atomic.AtomicLong nextAckId = new java.util.concurrent.atomic.AtomicLong();
  // pid -> the answers a disconnected socket gave, kept by the socket layer next to the adapter's
  // session for the socket restored in its place; null when recovery is off. Bounded in time
  // (maxDisconnectionDuration, on the server's clock) and count; thread-safe.
  private final Cache<String, AckReplies> keptReplies;

  // pid -> connected socket, with recovery on (else null); written on client lanes, read anywhere.
  private final Map<String, Socket> socketsByPid;

  Namespace(Server server, String name, Namespace parent, Predicate<String> childMatcher) {
    this.server = server;
    this.name = name;
    this.parent = parent;
    this.childMatcher = childMatcher;
    this.adapter = childMatcher != null ? null : server.options().adapter().create(new LocalView());
    if (adapter != null) adapter.init();
    ConnectionStateRecovery recovery = server.options().connectionStateRecovery();
    this.keptReplies = recovery == null || childMatcher != null ? null : Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(server.scheduler().nowMillis()))
        .executor(Runnable::run)
        .expireAfterWrite(recovery.maxDisconnectionDuration())
        .maximumSize(MAX_KEPT_REPLIES)
        .build();
    this.socketsByPid = keptReplies == null ? null : new ConcurrentHashMap<>();
  }

  /** The name, for example {@code "/admin"}; a dynamic parent's is synthetic ({@code "/_1"}). */
  public String name() {
    return name;
  }

  public Server server() {
    return server;
  }

  /** The rooms and broadcast adapter; a dynamic parent has none and throws. */
  public Adapter adapter() {
    if (adapter == null) throw new IllegalStateException(name + " is a dynamic parent namespace: it has no adapter");
    return adapter;
  }

  /** The sockets connected to this namespace on this server, by id (a dynamic parent: its children's). */
  public Map<String, Socket> sockets() {
    if (childMatcher == null) return Collections.unmodifiableMap(sockets);
    Map<String, Socket> all = new java.util.LinkedHashMap<>();
    for (Namespace child : children) all.putAll(child.sockets);
    return Collections.unmodifiableMap(all);
  }

  /** For a dynamic parent, the child namespaces created so far; otherwise empty. */
  public List<Namespace> children() {
    return List.copyOf(children);
  }

  /** Adds connection middleware, run in order before a socket joins. */
  public Namespace use(Middleware middleware) {
    middlewares.add(middleware);
    return this;
  }

  /** {@code on("connection", socket -> …)}; {@code "connect"} is accepted as a synonym. */
  public Namespace on(String event, ConnectionListener listener) {
    if (!"connection".equals(event) && !"connect".equals(event)) {
      throw new IllegalArgumentException("a namespace emits only \"connection\", not \"" + event + "\"");
    }
    return onConnection(listener);
  }

  public Namespace onConnection(ConnectionListener listener) {
    connectionListeners.add(listener);
    return this;
  }

  /**
   * Adds a listener told when a socket of this namespace, on this server, joins a room it was not
   * in or leaves one it was in (also each room when it disconnects); Socket.IO's adapter events
   * {@code join-room} and {@code leave-room}. It runs on the thread that changed the rooms, after
   * the change, and must not block.
   *
   * <pre>{@code
   * io.sockets().onRoomChange((room, socketId, joined) -> log.debug(socketId + (joined ? " joined " : " left ") + room));
   * }</pre>
   */
  public Namespace onRoomChange(RoomListener listener) {
    roomListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Whether anyone listens to room changes (so that sockets skip the bookkeeping when nobody does). */
  boolean watchesRooms() {
    return !roomListeners.isEmpty();
  }

  void roomChanged(String room, String socketId, boolean joined) {
    for (RoomListener listener : roomListeners) {
      try {
        listener.onRoomChange(room, socketId, joined);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "room listener of " + name + " failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- other servers

  /**
   * Adds a listener for {@code event} sent by another server of the cluster with
   * {@code serverSideEmit}; it runs on a worker. When the sender asked for an answer,
   * {@code ack.send(answer)} sends the first argument back.
   *
   * <pre>{@code
   * server.sockets().onServerSideEmit("hello", (args, ack) -> ack.send("node-" + port));
   * }</pre>
   */
  public Namespace onServerSideEmit(String event, EventListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    serverSideListeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(listener);
    return this;
  }

  /** Sends {@code event} to the other servers of the cluster (arguments through the {@link JsonMapper}). */
  public void serverSideEmit(String event, Object... args) {
    ownAdapter("serverSideEmit").serverSideEmit(serverSideData(event, args));
  }

  /**
   * Sends {@code event} to the other servers and completes with one answer per server (waiting at
   * most the adapter's request timeout; {@code timeout(d).serverSideEmitWithAck(...)} sets it).
   */
  public CompletableFuture<List<Object>> serverSideEmitWithAck(String event, Object... args) {
    return serverSideEmitWithAck(null, event, args);
  }

  CompletableFuture<List<Object>> serverSideEmitWithAck(java.time.Duration timeout, String event, Object[] args) {
    return ownAdapter("serverSideEmitWithAck").serverSideEmitWithAck(serverSideData(event, args), timeout);
  }

  /** The number of servers in the cluster, this one included. */
  public CompletableFuture<Integer> serverCount() {
    return ownAdapter("serverCount").serverCount();
  }

  private Adapter ownAdapter(String operation) {
    if (adapter == null) throw new IllegalStateException(operation + " is not available on a dynamic parent namespace");
    return adapter;
  }

  private List<Object> serverSideData(String event, Object[] args) {
    if (event == null || event.isEmpty()) throw new IllegalArgumentException("event must not be empty");
    if (args.length > 0 && args[args.length - 1] instanceof AckCallback) {
      throw new UnsupportedOperationException("use serverSideEmitWithAck for answers");
    }
    JsonMapper mapper = server.options().jsonMapper();
    List<Object> data = new ArrayList<>(args.length + 1);
    data.add(event);
    for (Object arg : args) data.add(mapper.toPlain(arg));
    return data;
  }

  /** Another server's event: runs its listeners on a worker. */
  private void dispatchServerSideEmit(List<Object> eventData, java.util.function.Consumer<Object> reply) {
    if (eventData.isEmpty() || !(eventData.get(0) instanceof String event)) return;
    List<EventListener> listeners = serverSideListeners.get(event);
    if (listeners == null || listeners.isEmpty()) return;
    List<Object> args = Collections.unmodifiableList(new ArrayList<>(eventData.subList(1, eventData.size())));
    Ack ack = reply == null ? Ack.NONE : new Ack(answer ->
        reply.accept(answer.length == 0 ? null : server.options().jsonMapper().toPlain(answer[0])));
    server.workers().execute(() -> {
      for (EventListener listener : listeners) {
        try {
          listener.onEvent(args, ack);
        } catch (Exception e) {
          LOG.log(System.Logger.Level.ERROR, "server-side listener for " + event + " on " + name + " failed", e);
        }
      }
    });
  }

  // ---------------------------------------------------------------- broadcasting

  long nextAckId() {
    return nextAckId.getAndIncrement();
  }

  /** Emits with acknowledgements to every socket, waiting at most {@code timeout}; see {@link BroadcastOperator#timeout}. */
  public BroadcastOperator timeout(java.time.Duration timeout) {
    return newBroadcast().timeout(timeout);
  }

  BroadcastOperator newBroadcast() {
    return new BroadcastOperator(this);
  }

  /** Sockets in any of {@code rooms}. */
  public BroadcastOperator to(String... rooms) {
    return newBroadcast().to(rooms);
  }

  /** Same as {@link #to(String...)}. */
  public BroadcastOperator in(String... rooms) {
    return newBroadcast().in(rooms);
  }

  /** Every socket except those in {@code rooms}. */
  public BroadcastOperator except(String... rooms) {
    return newBroadcast().except(rooms);
  }

  /** Only the sockets of this server (matters with a cluster adapter). */
  public BroadcastOperator local() {
    return newBroadcast().local();
  }

  /** Broadcasts dropped for clients that cannot take them right now. */
  public BroadcastOperator asVolatile() {
    return newBroadcast().asVolatile();
  }

  /** Emits to every socket of the namespace. */
  public void emit(String event, Object... args) {
    newBroadcast().emit(event, args);
  }

  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return newBroadcast().fetchSockets();
  }

  public void socketsJoin(String... rooms) {
    newBroadcast().socketsJoin(rooms);
  }

  public void socketsLeave(String... rooms) {
    newBroadcast().socketsLeave(rooms);
  }

  public void disconnectSockets(boolean close) {
    newBroadcast().disconnectSockets(close);
  }

  /** The concrete namespaces a broadcast from here reaches: itself, or a parent's children. */
  List<Namespace> broadcastTargets() {
    return childMatcher == null ? List.of(this) : List.copyOf(children);
  }

  // ---------------------------------------------------------------- dynamic namespaces

  boolean matchesChild(String childName) {
    return childMatcher != null && childMatcher.test(childName);
  }

  Namespace createChild(String childName) {
    Namespace child = new Namespace(server, childName, this, null);
    children.add(child);
    return child;
  }

  // ---------------------------------------------------------------- connecting (client lanes)

  /** Runs the parent's middleware, then this namespace's; {@code done} gets null or the refusal. */
  void runMiddlewares(Socket socket, Consumer<Exception> done) {
    List<Middleware> chain = new ArrayList<>();
    if (parent != null) chain.addAll(parent.middlewares);
    chain.addAll(middlewares);
    MiddlewareChain.run(chain, (middleware, next) -> middleware.handle(socket, next), done);
  }

  /** The socket passed every middleware: it joins, is told its id, and listeners hear of it. */
  void addSocket(Socket socket) {
    sockets.put(socket.id(), socket);
    if (socketsByPid != null && socket.pid() != null) socketsByPid.put(socket.pid(), socket);
    socket.onConnected();
    ServerObserver observer = server.observer();
    observer.socketConnected();
    if (socket.recovered()) observer.recovered();
    else if (socket.recoveryFailure() != null) observer.recoveryFailed(socket.recoveryFailure());
    notifyConnection(socket);
    if (parent != null) parent.notifyConnection(socket);
  }

  private void notifyConnection(Socket socket) {
    for (ConnectionListener listener : connectionListeners) {
      if (!socket.connected()) return;
      try {
        listener.onConnection(socket);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "connection listener of " + name + " failed", e);
      }
    }
  }

  void closeAdapter() {
    if (adapter == null) return;
    try {
      adapter.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "adapter of " + name + " failed to close", e);
    }
  }

  /** Keeps the answers of a disconnected socket that may be restored under {@code pid}. */
  void keepReplies(String pid, AckReplies replies) {
    if (keptReplies != null) keptReplies.put(pid, replies);
  }

  /** Takes back the answers kept under {@code pid}, or null. */
  AckReplies takeReplies(String pid) {
    return keptReplies == null ? null : keptReplies.asMap().remove(pid);
  }

  /** The connected socket whose private id is {@code pid}, or null. */
  Socket socketByPid(String pid) {
    return socketsByPid == null ? null : socketsByPid.get(pid);
  }

  /**
   * Notes that session {@code pid} is being restored here, or stored by its leaving socket,
   * until {@code ends} completes; returns what was already under way for it (for a restore to
   * wait for), or null.
   */
  CompletableFuture<Void> sessionBusy(String pid, CompletableFuture<Void> ends) {
    CompletableFuture<Void> before = restoring.put(pid, ends);
    ends.whenComplete((ignored, error) -> restoring.remove(pid, ends));
    return before == null || before.isDone() ? null : before;
  }

  /** A socket starts ({@code +1}) or ends ({@code -1}) leaving: its disconnect is running. */
  void leaving(int delta) {
    leaving.addAndGet(delta);
  }

  /**
   * Whether no socket is here, none is still leaving and no restore is under way: each leaver,
   * and each restore whose client left meanwhile, has stored its session.
   */
  boolean settled() {
    return sockets.isEmpty() && leaving.get() == 0 && restoring.isEmpty();
  }

  void removeSocket(Socket socket) {
    sockets.remove(socket.id(), socket);
    if (socketsByPid != null && socket.pid() != null) socketsByPid.remove(socket.pid(), socket);
  }

  @Override
  public String toString() {
    return "Namespace[" + name + "]";
  }

  /** What the adapter sees. */
  private final class LocalView implements LocalNamespace {
    @Override
    public void sessionOwners(SessionOwners owners) {
      server.engine().sessionOwners(owners);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public LocalSocket socket(String id) {
      Socket socket = sockets.get(id);
      return socket == null ? null : socket.local();
    }

    @Override
    public long nextAckId() {
      return Namespace.this.nextAckId();
    }

    @Override
    public EngineScheduler scheduler() {
      return server.scheduler();
    }

    @Override
    public Executor workers() {
      return server.workers();
    }

    @Override
    public ConnectionStateRecovery recovery() {
      return server.options().connectionStateRecovery();
    }

    @Override
    public void onServerSideEmit(List<Object> eventData, java.util.function.Consumer<Object> reply) {
      dispatchServerSideEmit(eventData, reply);
    }

    @Override
    public void broadcastWritten(int recipients) {
      server.observer().broadcast(recipients);
    }

    @Override
    public RemoteSocket remoteSocket(SocketDetails details) {
      return new ClusterRemoteSocket(Namespace.this, details);
    }
  }
}
