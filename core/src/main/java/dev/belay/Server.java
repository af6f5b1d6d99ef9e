package dev.belay;

import dev.belay.binding.ListenOptions;
import dev.belay.binding.Listening;
import dev.belay.engine.EngineScheduler;
import dev.belay.engine.EngineServer;
import dev.belay.engine.EngineSocket;
import dev.belay.parser.AttachmentBudget;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Socket.IO v5 server: namespaces, events, acknowledgements, rooms and broadcast over an Engine.IO
 * {@link EngineServer}. The official Socket.IO clients connect to it unchanged. Methods without a
 * namespace act on the main namespace {@code "/"}.
 *
 * <pre>{@code
 * Server server = new Server(ServerOptions.defaults());
 * server.on("connection", socket -> {
 *   socket.on("hello", (args, ack) -> ack.send("hi " + args.get(0)));
 *   socket.join("lobby");
 *   server.to("lobby").emit("joined", socket.id());
 * });
 * Listening http = server.listen(3000);        // standalone, through the Undertow binding
 * // or mount server.engine() into an existing Undertow server with the transports module's handler
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread. Listeners of one client connection
 * run one at a time, in order, on worker threads, never on an I/O thread.
 */
public final class Server implements AutoCloseable {
  private final ServerOptions options;
  private final EngineServer engine;
  // name -> namespace; any thread.
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
  // Dynamic parents, in creation order; any thread.
  private final List<Namespace> parents = new CopyOnWriteArrayList<>();
  private final AtomicInteger parentCount = new AtomicInteger();
  private final Namespace main;
  // Bytes held by the incomplete binary packets of all clients; thread-safe itself.
  private final AttachmentBudget attachmentBudget;
  // Transfers of all sockets: limits and sessions kept for recovery; thread-safe, final.
  private final dev.belay.stream.StreamHub streams;
  // The HTTP listener started by listen(); any thread.
  private volatile Listening listening;
  // Told of the event layer's events; NONE until observe(). Any thread.
  private volatile ServerObserver observer = ServerObserver.NONE;
  // Told of each namespace once it exists (concrete ones: a dynamic parent's children included); any thread.
  private final List<java.util.function.Consumer<Namespace>> namespaceListeners = new CopyOnWriteArrayList<>();

  /** A server with default options. */
  public Server() {
    this(ServerOptions.defaults());
  }

  /** A server on a new {@link EngineServer} built from {@code options.engine()}. */
  public Server(ServerOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.engine = new EngineServer(options.engine());
    this.attachmentBudget = new AttachmentBudget(options.maxPendingAttachmentBytes());
    this.streams = new dev.belay.stream.StreamHub(options.streams());
    this.main = of("/");
    engine.onConnection(this::attach);
  }

  /** Takes over a new engine session (called on that session's listener lane). */
  void attach(EngineSocket conn) {
    new Client(this, conn).start();
  }

  public ServerOptions options() {
    return options;
  }

  /** The Engine.IO server underneath, for mounting into an HTTP server (for example Undertow's handler). */
  public EngineServer engine() {
    return engine;
  }

  /** Large-data transfers, all sockets together: open transfers and bytes reserved for them. */
  public dev.belay.stream.StreamHub streams() {
    return streams;
  }

  EngineScheduler scheduler() {
    return engine.scheduler();
  }

  /** The server-wide budget of bytes in incomplete binary packets, shared by every client's decoder. */
  AttachmentBudget attachmentBudget() {
    return attachmentBudget;
  }

  /** Where timer callbacks hop to, so that user code never runs on the scheduler's thread. */
  Executor workers() {
    return engine.executor();
  }

  // ---------------------------------------------------------------- namespaces

  /** The namespace {@code name} ({@code "admin"} and {@code "/admin"} are the same), created if needed. */
  public Namespace of(String name) {
    String normalized = name.startsWith("/") ? name : "/" + name;
    return register(normalized, n -> new Namespace(this, n, null, null));
  }

  /** The namespace {@code name}, made by {@code make} and announced to the namespace listeners if new. */
  private Namespace register(String name, java.util.function.Function<String, Namespace> make) {
    Namespace existing = namespaces.get(name);
    if (existing != null) return existing;
    Namespace[] made = new Namespace[1];
    Namespace namespace = namespaces.computeIfAbsent(name, n -> made[0] = make.apply(n));
    if (made[0] == namespace) {
      for (java.util.function.Consumer<Namespace> listener : namespaceListeners) {
        try {
          listener.accept(namespace);
        } catch (RuntimeException e) {
          System.getLogger(Server.class.getName()).log(System.Logger.Level.ERROR, "namespace listener failed for " + name, e);
        }
      }
    }
    return namespace;
  }

  /**
   * The concrete namespaces that exist now ({@code "/"}, those made with {@link #of(String)}, and
   * the children dynamic parents created so far), in no particular order.
   */
  public java.util.Collection<Namespace> namespaces() {
    return List.copyOf(namespaces.values());
  }

  /**
   * Adds a listener told of every concrete namespace created from now on (Socket.IO's
   * {@code new_namespace}), on the creating thread; combine with {@link #namespaces()} for those
   * that exist already (a namespace created meanwhile may be seen by both).
   *
   * <pre>{@code
   * io.onNamespace(nsp -> nsp.onConnection(socket -> log.info(nsp.name() + " got " + socket.id())));
   * io.namespaces().forEach(nsp -> nsp.onConnection(socket -> log.info(nsp.name() + " got " + socket.id())));
   * }</pre>
   */
  public Server onNamespace(java.util.function.Consumer<Namespace> listener) {
    namespaceListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** A dynamic parent: any namespace a client asks for whose whole name matches {@code pattern}. */
  public Namespace of(Pattern pattern) {
    return of(name -> pattern.matcher(name).matches());
  }

  /** A dynamic parent: any namespace a client asks for that {@code matcher} accepts. */
  public Namespace of(Predicate<String> matcher) {
    Namespace parent = new Namespace(this, "/_" + parentCount.incrementAndGet(), null, matcher);
    parents.add(parent);
    return parent;
  }

  /** The main namespace {@code "/"}. */
  public Namespace sockets() {
    return main;
  }

  /** An existing namespace, or a new child of the first dynamic parent that accepts the name, or null. */
  Namespace resolveNamespace(String name) {
    Namespace existing = namespaces.get(name);
    if (existing != null) return existing;
    for (Namespace parent : parents) {
      if (parent.matchesChild(name)) return register(name, parent::createChild);
    }
    return null;
  }

  // ---------------------------------------------------------------- main namespace shortcuts

  public Server on(String event, ConnectionListener listener) {
    main.on(event, listener);
    return this;
  }

  public Server onConnection(ConnectionListener listener) {
    main.onConnection(listener);
    return this;
  }

  public Server use(Middleware middleware) {
    main.use(middleware);
    return this;
  }

  public BroadcastOperator to(String... rooms) {
    return main.to(rooms);
  }

  public BroadcastOperator in(String... rooms) {
    return main.in(rooms);
  }

  public BroadcastOperator except(String... rooms) {
    return main.except(rooms);
  }

  public BroadcastOperator local() {
    return main.local();
  }

  public BroadcastOperator asVolatile() {
    return main.asVolatile();
  }

  public void emit(String event, Object... args) {
    main.emit(event, args);
  }

  /** Broadcast with acknowledgements: {@code server.timeout(d).emitWithAck("event")}. */
  public BroadcastOperator timeout(java.time.Duration timeout) {
    return main.timeout(timeout);
  }

  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return main.fetchSockets();
  }

  public void socketsJoin(String... rooms) {
    main.socketsJoin(rooms);
  }

  public void socketsLeave(String... rooms) {
    main.socketsLeave(rooms);
  }

  public void disconnectSockets(boolean close) {
    main.disconnectSockets(close);
  }

  /** Listens for {@code event} from other servers of the cluster on the main namespace; see {@link Namespace#onServerSideEmit}. */
  public Server onServerSideEmit(String event, EventListener listener) {
    main.onServerSideEmit(event, listener);
    return this;
  }

  /** Sends {@code event} to the other servers of the cluster (main namespace). */
  public void serverSideEmit(String event, Object... args) {
    main.serverSideEmit(event, args);
  }

  /** Sends {@code event} to the other servers and completes with their answers (main namespace). */
  public CompletableFuture<List<Object>> serverSideEmitWithAck(String event, Object... args) {
    return main.serverSideEmitWithAck(event, args);
  }

  /** The number of servers in the cluster, this one included. */
  public CompletableFuture<Integer> serverCount() {
    return main.serverCount();
  }

  // ---------------------------------------------------------------- operations

  /**
   * Sets the one observer of this server (for example {@code dev.belay.metrics.BelayMetrics}),
   * of the engine's events and the event layer's; it replaces the previous one, null removes it.
   */
  public Server observe(ServerObserver observer) {
    ServerObserver o = observer == null ? ServerObserver.NONE : observer;
    this.observer = o;
    engine.observe(o);
    return this;
  }

  /** The observer set by {@link #observe}, or {@link ServerObserver#NONE}. */
  public ServerObserver observer() {
    return observer;
  }

  /**
   * This node's state, for a load balancer's health check: open sessions, whether it is
   * draining, whether its adapter reaches its cluster.
   *
   * <pre>{@code
   * Health h = server.health();
   * int status = h.draining() ? 503 : 200;   // and h.toJson() as the body
   * }</pre>
   */
  public Health health() {
    return new Health(engine.clientsCount(), engine.draining(), main.adapter().connected());
  }

  /**
   * Takes this node out of service without losing anyone: new handshakes get 503, and the open
   * sessions are closed one by one, at jittered times spread over {@code spread}, so that their
   * clients reconnect, to another node. The close is one a client recovers from: with connection
   * state recovery on and an adapter the nodes share, they resume there and miss nothing.
   * See {@link EngineServer#drain}.
   *
   * <pre>{@code
   * server.drain(Duration.ofSeconds(30)).thenRun(server::close);   // a rolling deploy
   * }</pre>
   *
   * @return completes when no session is open any more
   */
  public CompletableFuture<Void> drain(java.time.Duration spread) {
    return engine.drain(spread);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts an HTTP server on all interfaces (port 0 picks a free one). */
  public Listening listen(int port) {
    return listen("0.0.0.0", port);
  }

  /** Starts an HTTP server on {@code host:port} through the HTTP binding on the class path. */
  public Listening listen(String host, int port) {
    Listening started = engine().listen(host, port);
    listening = started;
    return started;
  }

  /**
   * Starts an HTTP server as {@code options} say: host, port, and TLS and HTTP/2.
   *
   * <pre>{@code
   * io.listen(ListenOptions.builder().port(443).tls(Tls.pem(chain, key)).build());
   * }</pre>
   */
  public Listening listen(ListenOptions options) {
    Listening started = engine().listen(options);
    listening = started;
    return started;
  }

  /**
   * Closes the HTTP listener (if {@link #listen} started one) and every connection, then the
   * adapters. Returns once each socket's disconnect has run (up to {@link #CLOSE_GRACE}: with
   * connection state recovery, that is what stores its session for its client to resume, here
   * or on another node) and the adapters have closed, so that a Redis client shut down after it
   * loses nothing they were writing.
   */
  @Override
  public void close() {
    Listening started = listening;
    if (started != null) started.close();
    engine.close();
    long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
    // Each socket leaves on its own lane; a close called on a lane does not wait for itself for long.
    while (System.nanoTime() < deadline && namespaces.values().stream().anyMatch(n -> !n.settled())) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Namespace namespace : namespaces.values()) namespace.closeAdapter();
  }

  /** How long {@link #close} waits for the sockets' disconnects. */
  private static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(2);
}
