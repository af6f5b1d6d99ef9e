package dev.belay;

import dev.belay.adapter.Adapter;
import dev.belay.adapter.LocalNamespace;
import dev.belay.adapter.LocalSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
  // Any thread adds; client lanes read.
  private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
  private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
  // Ack ids of this namespace, shared by socket emits and broadcasts (as in Socket.IO) so that a
  // broadcast's id never collides with one a socket already waits for; any thread.
  private final java.util.concurrent.atomic.AtomicLong nextAckId = new java.util.concurrent.atomic.AtomicLong();

  Namespace(Server server, String name, Namespace parent, Predicate<String> childMatcher) {
    this.server = server;
    this.name = name;
    this.parent = parent;
    this.childMatcher = childMatcher;
    this.adapter = childMatcher != null ? null : server.options().adapter().create(new LocalView());
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
    socket.onConnected();
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

  void removeSocket(Socket socket) {
    sockets.remove(socket.id(), socket);
  }

  @Override
  public String toString() {
    return "Namespace[" + name + "]";
  }

  /** What the adapter sees. */
  private final class LocalView implements LocalNamespace {
    @Override
    public String name() {
      return name;
    }

    @Override
    public LocalSocket socket(String id) {
      Socket socket = sockets.get(id);
      return socket == null ? null : socket.local();
    }
  }
}
