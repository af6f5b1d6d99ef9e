package dev.belay.engine;

import dev.belay.binding.HttpBinding;
import dev.belay.binding.HttpExchange;
import dev.belay.binding.ListenOptions;
import dev.belay.binding.Listening;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * An Engine.IO v4 server: verifies requests, does the handshake, routes requests to sessions,
 * heartbeats them and upgrades them between transports. It knows no HTTP server: a binding
 * (Undertow's, in {@code belay-transports}) hands it each request through {@link #handle}.
 *
 * <pre>{@code
 * EngineServer engine = new EngineServer(EngineOptions.builder().path("/engine.io/").build());
 * engine.onConnection(socket -> socket.onMessage(data -> socket.send(data.toString())));
 * Listening http = engine.listen("127.0.0.1", 3000);
 * }</pre>
 */
public final class EngineServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EngineServer.class.getName());

  private final EngineOptions options;
  private final EngineScheduler scheduler;
  private final Executor executor;
  /** Tag of the sids minted here; set once before serving, read on I/O threads: volatile. */
  private volatile String nodeTag;
  /** The other nodes' sessions, or null when not serving a cluster without sticky sessions; set once, read on I/O threads. */
  private volatile SessionOwners sessionOwners;

  /** Sessions by sid, including closing ones that linger for a last poll. Thread-safe. */
  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  /** Open (not closing) sessions. */
  private final AtomicInteger openCount = new AtomicInteger();
  /**
   * Bytes waiting for all clients together (see EngineOptions.maxOutboundBytesTotal). Any thread:
   * added to on every send and write, summed only when a client is behind.
   */
  private final LongAdder outboundBytes = new LongAdder();
  private final List<Consumer<EngineSocket>> connectionListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ConnectionError>> connectionErrorListeners = new CopyOnWriteArrayList<>();
  private final EngineStats stats = new EngineStats(this);
  /** Set once by close(); new handshakes are then refused. */
  private volatile boolean closed;
  /** Told of sessions, refusals and messages; {@link EngineObserver#NONE} until {@link #observe}. Any thread. */
  private volatile EngineObserver observer = EngineObserver.NONE;
  /** Set once by {@link #drain}: completes when no session is open; new handshakes are refused. Any thread. */
  private volatile CompletableFuture<Void> drained;
  /** Over how many milliseconds the drain spreads its closes; written before {@link #drained}. */
  private volatile long drainSpreadMillis;
  /** Told when a drain starts (see {@link #onDrain}); added to from any thread, read under {@code this}. */
  private final List<Consumer<Duration>> drainListeners = new CopyOnWriteArrayList<>();
  /** One line per refused request, rate limited (a flood of bad clients stays a few lines). */
  private final RateLimitedLog refusals;
  /** One line per session closed because its client fell too far behind, rate limited. */
  final RateLimitedLog overflows;
  /** One line per listener that held its thread too long, rate limited. */
  final RateLimitedLog slowListeners;

  public EngineServer(EngineOptions options) {
    this.options = options;
    this.scheduler = options.scheduler() != null ? options.scheduler() : RealScheduler.INSTANCE;
    this.executor = options.executor() != null ? options.executor() : RealScheduler.workers();
    this.refusals = RateLimitedLog.perTenSeconds(EngineServer.class, System.Logger.Level.INFO, scheduler);
    this.overflows = RateLimitedLog.perTenSeconds(EngineSession.class, System.Logger.Level.WARNING, scheduler);
    this.slowListeners = RateLimitedLog.perTenSeconds(SerialLane.class, System.Logger.Level.WARNING, scheduler);
  }

  /** Adds a listener for new sessions. Runs on the new session's listener lane. */
  public EngineServer onConnection(Consumer<EngineSocket> listener) {
    connectionListeners.add(listener);
    return this;
  }

  /**
   * Adds a listener for refused requests (engine.io's {@code connection_error}): each gets the
   * request, the error and its context. It runs on the I/O thread that got the request, after
   * the answer was sent, and must not block.
   *
   * <pre>{@code
   * engine.onConnectionError(e -> metrics.counter("refused", "code", "" + e.code()).increment());
   * }</pre>
   */
  public EngineServer onConnectionError(Consumer<ConnectionError> listener) {
    connectionErrorListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    return this;
  }

  public EngineOptions options() {
    return options;
  }

  /** The clock and timers this server uses (the injected one, or the real one). */
  public EngineScheduler scheduler() {
    return scheduler;
  }

  /** Where listeners run. */
  public Executor executor() {
    return executor;
  }

  /** The number of open sessions. */
  public int clientsCount() {
    return openCount.get();
  }

  /** The open session with this id, or {@code null}. */
  public EngineSocket socket(String sid) {
    EngineSession s = sessions.get(sid);
    return s != null && s.isOpen() ? s : null;
  }

  /** Counters: sessions per transport, upgrades, packets. */
  public EngineStats stats() {
    return stats;
  }

  /**
   * Sets the one observer of this server's sessions (metrics): it replaces the previous one;
   * {@link EngineObserver#NONE} or null removes it.
   */
  public EngineServer observe(EngineObserver observer) {
    this.observer = observer == null ? EngineObserver.NONE : observer;
    return this;
  }

  /** The observer set by {@link #observe}, or {@link EngineObserver#NONE}. */
  public EngineObserver observer() {
    return observer;
  }

  /**
   * Takes this node out of service without losing anyone: from now on every handshake is refused
   * with 503 ({@link EngineError#DRAINING}), and each open session is closed with
   * {@link CloseReason#SERVER_SHUTTING_DOWN} (what it has queued is delivered first) at a time of
   * its own, spread evenly with jitter over {@code spread}, so that its clients reconnect, to
   * another node, a few at a time. With connection state recovery on and an adapter the nodes
   * share, they resume there and miss nothing. Calling it again returns the same future.
   *
   * <pre>{@code
   * engine.drain(Duration.ofSeconds(30)).thenRun(() -> System.exit(0));
   * }</pre>
   *
   * @return completes when no session is open any more
   */
  public CompletableFuture<Void> drain(Duration spread) {
    if (spread == null || spread.isNegative()) throw new IllegalArgumentException("spread must not be negative");
    List<EngineSession> open = new ArrayList<>();
    CompletableFuture<Void> done;
    synchronized (this) {
      if (drained != null) return drained;
      drainSpreadMillis = spread.toMillis();
      done = new CompletableFuture<>();
      drained = done;
      // Sessions registered from here on see `drained` set and close themselves (see register).
      for (EngineSession s : sessions.values()) if (s.isOpen()) open.add(s);
    }
    for (Consumer<Duration> listener : drainListeners) listener.accept(spread);
    int n = open.size();
    // Slot i of n, at a random point within the slot: evenly spread, never two at one instant by design.
    for (int i = 0; i < n; i++) {
      long at = (long) ((i + ThreadLocalRandom.current().nextDouble()) * drainSpreadMillis / n);
      closeLater(open.get(i), at);
    }
    if (openCount.get() == 0) done.complete(null);
    return done;
  }

  /**
   * Runs {@code listener} with the drain's spread when {@link #drain} starts (at once if it has
   * started): for what a binding holds beside sessions, such as the connections a node relays to
   * other nodes, so that it can close them spread over the same time. Must not block.
   *
   * <pre>{@code
   * engine.onDrain(spread -> relays.closeSpreadOver(spread));
   * }</pre>
   */
  public void onDrain(Consumer<Duration> listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    long spread;
    synchronized (this) {
      if (drained == null) {
        drainListeners.add(listener); // drain() reads the list after it sets `drained`
        return;
      }
      spread = drainSpreadMillis;
    }
    listener.accept(Duration.ofMillis(spread));
  }

  /** Whether {@link #drain} was called: handshakes are refused. */
  public boolean draining() {
    return drained != null;
  }

  private void closeLater(EngineSession session, long millis) {
    if (millis <= 0) session.close(CloseReason.SERVER_SHUTTING_DOWN);
    else scheduler.schedule(() -> session.close(CloseReason.SERVER_SHUTTING_DOWN), Duration.ofMillis(millis));
  }

  /** Starts an HTTP server on {@code host:port} through the {@link HttpBinding} on the class path. */
  public Listening listen(String host, int port) {
    HttpBinding binding = ServiceLoader.load(HttpBinding.class).findFirst().orElseThrow(() ->
        new IllegalStateException("no HTTP binding on the class path: add dev.belay:belay-transports"));
    return binding.listen(this, host, port);
  }

  /** Starts an HTTP server as {@code options} say (host, port, TLS, HTTP/2). */
  public Listening listen(ListenOptions options) {
    HttpBinding binding = ServiceLoader.load(HttpBinding.class).findFirst().orElseThrow(() ->
        new IllegalStateException("no HTTP binding on the class path: add dev.belay:belay-transports"));
    return binding.listen(this, options);
  }

  /** Whether {@link #close()} was called: no new session is accepted. */
  public boolean isClosed() {
    return closed;
  }

  /** Closes every session with {@link CloseReason#SERVER_SHUTTING_DOWN} and refuses new ones. */
  @Override
  public void close() {
    closed = true;
    for (EngineSession s : sessions.values()) s.close(CloseReason.SERVER_SHUTTING_DOWN);
  }

  // ---- request routing (called by a binding, on its I/O thread; never blocks) --------------

  /** Handles one request to this server's path. */
  public void handle(HttpExchange exchange) {
    TransportRequest req = exchange.request();
    if ("OPTIONS".equals(req.method())) {
      preflight(exchange);
      return;
    }
    if (!originAdmitted(exchange)) return;
    String transportName = req.query("transport");
    if (transportName == null || !options.transports().contains(transportName)) {
      refuse(exchange, EngineError.TRANSPORT_UNKNOWN, context("transport", transportName));
      return;
    }
    if (!"4".equals(req.query("EIO"))) {
      refuse(exchange, EngineError.UNSUPPORTED_PROTOCOL_VERSION, context("protocol", req.query("EIO")));
      return;
    }
    TransportKind kind = TransportKind.named(transportName);
    if (kind.overWebSocket() != exchange.isWebSocketUpgrade()) {
      refuse(exchange, EngineError.BAD_REQUEST, Map.of("name", "TRANSPORT_HANDSHAKE_ERROR", "transport", transportName));
      return;
    }
    String sid = req.query("sid");
    if (sid == null || sid.isEmpty()) { // an empty sid opens a session, as in the reference server
      handshake(exchange, kind);
      return;
    }
    EngineSession session = sessions.get(sid);
    if (session == null) {
      refuse(exchange, EngineError.UNKNOWN_SID, Map.of("sid", sid));
      return;
    }
    kind.route(this, exchange, session);
  }

  /**
   * The origin check, for every request of every transport (the WebSocket upgrade included,
   * which browsers do not subject to CORS): a request from an origin the {@link Cors} rules do not
   * list is answered 403 before it opens or touches a session. False when it was refused.
   */
  private boolean originAdmitted(HttpExchange exchange) {
    if (options.cors().admits(exchange.request().header("Origin"))) return true;
    respondError(exchange, EngineError.FORBIDDEN);
    observer.requestRefused(EngineError.FORBIDDEN);
    return false;
  }

  private void handshake(HttpExchange exchange, TransportKind kind) {
    TransportRequest req = exchange.request();
    if (!"GET".equals(req.method())) {
      refuse(exchange, EngineError.BAD_HANDSHAKE_METHOD, context("method", req.method()));
      return;
    }
    boolean allowed;
    try {
      allowed = !closed && options.allowRequest().test(req);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "allowRequest failed; refusing the handshake", e);
      allowed = false;
    }
    if (!allowed) {
      refuse(exchange, EngineError.FORBIDDEN, Map.of("name", "FORBIDDEN"));
      return;
    }
    if (drained != null) {
      refuse(exchange, EngineError.DRAINING, Map.of("name", "DRAINING"));
      return;
    }
    String ack = req.query(Resend.ACK);
    if (ack != null && !"0".equals(ack)) { // before the first answer there is nothing to acknowledge
      refuse(exchange, EngineError.BAD_REQUEST, Map.of("name", "BAD_ACK", Resend.ACK, ack));
      return;
    }
    kind.handshake(this, exchange, upgradesFor(req, kind.name()));
  }

  /** Opens a session on {@code transport} for the handshake {@code req}; the transport's kind then {@link #start}s it. */
  EngineSession register(TransportRequest req, Transport transport) {
    String sid = newSessionId();
    EngineSession session = new EngineSession(this, sid, req, transport);
    sessions.put(sid, session);
    openCount.incrementAndGet();
    stats.opened();
    observer.sessionOpened(transport.name());
    // A handshake that passed its check just as a drain began is closed within the drain too.
    if (drained != null) closeLater(session, (long) (ThreadLocalRandom.current().nextDouble() * drainSpreadMillis));
    return session;
  }

  /**
   * The handshake of a transport that answers over HTTP: registers a session on {@code transport},
   * lets it take the handshake request ({@code takeRequest}), then starts the session.
   */
  void openOverHttp(HttpExchange exchange, Transport transport, Runnable takeRequest, List<String> upgrades) {
    EngineSession session = register(exchange.request(), transport);
    takeRequest.run();
    start(session, upgrades);
  }

  /** Announces a registered session to the connection listeners and sends its open packet. */
  void start(EngineSession session, List<String> upgrades) {
    // The announcement is queued on the listener lane before the open packet can reach the
    // client, so a message the client sends at once is dispatched after the connection listeners
    // have attached theirs. Both steps run in one engine-lane task, so anything the connection
    // listeners send is queued behind the open packet.
    session.lane.execute(() -> {
      session.execute(() -> {
        for (Consumer<EngineSocket> l : connectionListeners) {
          try {
            l.accept(session);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connection listener failed; closing session " + session.id(), e);
            session.close(CloseReason.FORCED_CLOSE);
          }
        }
      });
      session.open(upgrades);
    });
  }


  /** The allowed transports better than {@code current}, most preferred first, as the policy narrows them. */
  List<String> upgradesFor(TransportRequest req, String current) {
    if (!options.allowUpgrades()) return List.of();
    int rank = TransportKind.rank(current);
    List<String> offered = new ArrayList<>();
    for (String t : options.transports()) {
      if (TransportKind.rank(t) < rank) offered.add(t);
    }
    List<String> chosen = options.upgradePolicy().upgrades(req, current, List.copyOf(offered));
    List<String> result = new ArrayList<>();
    for (String t : chosen) if (offered.contains(t) && !result.contains(t)) result.add(t);
    return result;
  }

  // ---- responses ---------------------------------------------------------------------------

  void respond(HttpExchange exchange, int status, String contentType, byte[] body) {
    Map<String, String> headers = corsHeaders(exchange.request());
    headers.put("Content-Type", contentType);
    headers.put("Cache-Control", "no-store");
    exchange.respond(status, headers, body);
  }

  /**
   * As {@link #respond(HttpExchange, int, String, byte[])} with one more header, which a page of
   * another origin may read ({@code Access-Control-Expose-Headers}) wherever CORS headers are sent.
   */
  void respond(HttpExchange exchange, int status, String contentType, byte[] body, String header, String value) {
    Map<String, String> headers = corsHeaders(exchange.request());
    if (headers.containsKey("Access-Control-Allow-Origin")) headers.put("Access-Control-Expose-Headers", header);
    headers.put("Content-Type", contentType);
    headers.put("Cache-Control", "no-store");
    headers.put(header, value);
    exchange.respond(status, headers, body);
  }

  void respondError(HttpExchange exchange, EngineError error) {
    respond(exchange, error.status(), "application/json", error.body());
  }

  /** Answers a request refused before it reached a session, and tells the connection_error listeners. */
  void refuse(HttpExchange exchange, EngineError error, Map<String, String> context) {
    respondError(exchange, error);
    observer.requestRefused(error);
    refusals.log(() -> describeRefusal(exchange.request(), error, context));
    if (connectionErrorListeners.isEmpty()) return;
    ConnectionError refused = new ConnectionError(exchange.request(), error, context);
    for (Consumer<ConnectionError> listener : connectionErrorListeners) {
      try {
        listener.accept(refused);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "connection_error listener failed", e);
      }
    }
  }

  private static String describeRefusal(TransportRequest request, EngineError error, Map<String, String> context) {
    String from = request.remoteAddress() == null ? "?" : request.remoteAddress().getHostString();
    String transport = request.query("transport");
    return "refused " + request.method() + " " + request.path() + (transport == null ? "" : " (" + transport + ")")
        + " from " + from + ": " + error.status() + " code " + error.code() + " " + error.message()
        + (context.isEmpty() ? "" : " " + context);
  }

  /** A one-entry context, empty when the value is missing. */
  private static Map<String, String> context(String key, String value) {
    return value == null ? Map.of() : Map.of(key, value);
  }

  private void preflight(HttpExchange exchange) {
    Map<String, String> headers = corsHeaders(exchange.request());
    if (!headers.isEmpty()) {
      headers.put("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      String asked = exchange.request().header("Access-Control-Request-Headers");
      headers.put("Access-Control-Allow-Headers",
          asked != null ? asked : String.join(", ", options.cors().allowedHeaders()));
      headers.put("Access-Control-Max-Age", Integer.toString(options.cors().maxAgeSeconds()));
    }
    exchange.respond(204, headers, new byte[0]);
  }

  /** CORS headers for an answer to {@code req}; a new mutable map. */
  Map<String, String> corsHeaders(TransportRequest req) {
    Map<String, String> headers = new HashMap<>();
    Cors cors = options.cors();
    String origin = req.header("Origin");
    String allowed = cors.allowOriginFor(origin);
    if (allowed != null) {
      headers.put("Access-Control-Allow-Origin", allowed);
      if (!"*".equals(allowed)) headers.put("Vary", "Origin");
      if (cors.credentials() && !"*".equals(allowed)) headers.put("Access-Control-Allow-Credentials", "true");
    }
    return headers;
  }

  // ---- session bookkeeping -----------------------------------------------------------------

  /** Counts bytes waiting for some client. */
  void reserveOutboundBytes(long bytes) {
    outboundBytes.add(bytes);
  }

  void releaseOutboundBytes(long bytes) {
    outboundBytes.add(-bytes);
  }

  /** Bytes waiting for all clients together: buffered in sessions or in flight in the binding. */
  long outboundBytes() {
    return outboundBytes.sum();
  }

  /** The session began closing, on {@code transport}, for {@code reason}: it no longer counts as open. */
  void sessionClosed(EngineSession session, String transport, CloseReason reason) {
    observer.sessionClosed(transport, reason);
    CompletableFuture<Void> done = drained;
    if (openCount.decrementAndGet() == 0 && done != null) done.complete(null);
  }

  /** The session is gone: its sid is unknown from now on. */
  void sessionFinished(EngineSession session) {
    sessions.remove(session.id(), session);
  }

  void forEachOpenSession(Consumer<EngineSocket> action) {
    for (EngineSession s : sessions.values()) if (s.isOpen()) action.accept(s);
  }

  /** 128 bits from a CSPRNG, URL-safe base64 without padding (22 characters). */
  String newSessionId() {
    return SessionIds.mint(nodeTag);
  }

  /**
   * Makes the sids this server mints carry {@code tag} (see {@link SessionIds}), so that the other
   * nodes of a cluster can forward a session's requests here. Set once, before serving.
   */
  public void nodeTag(String tag) {
    this.nodeTag = tag;
  }

  /** The tag this server's sids carry, or null. */
  public String nodeTag() {
    return nodeTag;
  }

  /**
   * Serves the sessions of other nodes too: sids minted here carry {@code owners.localTag()}, and
   * the HTTP binding hands a request for another node's session to that node's address. Set once,
   * before serving (a cluster adapter does it).
   */
  public void sessionOwners(SessionOwners owners) {
    this.nodeTag = owners.localTag();
    this.sessionOwners = owners;
  }

  /** Where other nodes' sessions live, or null when this server serves only its own. */
  public SessionOwners sessionOwners() {
    return sessionOwners;
  }

}
