package dev.belay.engine;

import dev.belay.binding.HttpBinding;
import dev.belay.binding.HttpExchange;
import dev.belay.binding.Listening;
import dev.belay.binding.WebSocketListener;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

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
  private static final Logger LOG = Logger.getLogger(EngineServer.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final WebSocketListener IGNORE_FRAMES = new WebSocketListener() {
    @Override public void onText(String text) {}

    @Override public void onBinary(byte[] data) {}

    @Override public void onClose(int code, String reason) {}

    @Override public void onError(Throwable error) {}
  };

  private final EngineOptions options;
  private final EngineScheduler scheduler;
  private final Executor executor;
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

  public EngineServer(EngineOptions options) {
    this.options = options;
    this.scheduler = options.scheduler() != null ? options.scheduler() : RealScheduler.INSTANCE;
    this.executor = options.executor() != null ? options.executor() : RealScheduler.workers();
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

  /** Starts an HTTP server on {@code host:port} through the {@link HttpBinding} on the class path. */
  public Listening listen(String host, int port) {
    HttpBinding binding = ServiceLoader.load(HttpBinding.class).findFirst().orElseThrow(() ->
        new IllegalStateException("no HTTP binding on the class path: add dev.belay:belay-transports"));
    return binding.listen(this, host, port);
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
    boolean wantsWebSocket = WebSocketTransport.NAME.equals(transportName);
    if (wantsWebSocket != exchange.isWebSocketUpgrade()) {
      refuse(exchange, EngineError.BAD_REQUEST, Map.of("name", "TRANSPORT_HANDSHAKE_ERROR", "transport", transportName));
      return;
    }
    String sid = req.query("sid");
    if (sid == null || sid.isEmpty()) { // an empty sid opens a session, as in the reference server
      handshake(exchange, transportName);
      return;
    }
    EngineSession session = sessions.get(sid);
    if (session == null) {
      refuse(exchange, EngineError.UNKNOWN_SID, Map.of("sid", sid));
      return;
    }
    route(exchange, session, transportName);
  }

  /**
   * The origin check, for every request of every transport (the WebSocket upgrade included,
   * which browsers do not subject to CORS): a request from an origin the {@link Cors} rules do not
   * list is answered 403 before it opens or touches a session. False when it was refused.
   */
  private boolean originAdmitted(HttpExchange exchange) {
    if (options.cors().admits(exchange.request().header("Origin"))) return true;
    respondError(exchange, EngineError.FORBIDDEN);
    return false;
  }

  private void handshake(HttpExchange exchange, String transportName) {
    TransportRequest req = exchange.request();
    if (!"GET".equals(req.method())) {
      refuse(exchange, EngineError.BAD_HANDSHAKE_METHOD, context("method", req.method()));
      return;
    }
    boolean allowed;
    try {
      allowed = !closed && options.allowRequest().test(req);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "allowRequest failed; refusing the handshake", e);
      allowed = false;
    }
    if (!allowed) {
      refuse(exchange, EngineError.FORBIDDEN, Map.of("name", "FORBIDDEN"));
      return;
    }
    String ack = req.query(Resend.ACK);
    if (ack != null && !"0".equals(ack)) { // before the first answer there is nothing to acknowledge
      refuse(exchange, EngineError.BAD_REQUEST, Map.of("name", "BAD_ACK", Resend.ACK, ack));
      return;
    }
    List<String> upgrades = upgradesFor(req, transportName);
    switch (transportName) {
      case PollingTransport.NAME -> {
        PollingTransport polling = new PollingTransport(this);
        EngineSession session = register(req, polling);
        polling.onGet(exchange);
        start(session, upgrades);
      }
      case WebSocketTransport.NAME -> exchange.acceptWebSocket(Map.of(), connection -> {
        WebSocketTransport ws = new WebSocketTransport(this);
        ws.connected(connection);
        start(register(req, ws), upgrades);
        return ws;
      });
      case SseTransport.NAME -> {
        SseTransport sse = new SseTransport(this);
        EngineSession session = register(req, sse);
        sse.open(exchange);
        start(session, upgrades);
      }
      default -> respondError(exchange, EngineError.TRANSPORT_UNKNOWN);
    }
  }

  private EngineSession register(TransportRequest req, Transport transport) {
    String sid = newSessionId();
    EngineSession session = new EngineSession(this, sid, req, transport);
    sessions.put(sid, session);
    openCount.incrementAndGet();
    stats.opened();
    return session;
  }

  private void start(EngineSession session, List<String> upgrades) {
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
            LOG.log(Level.WARNING, "connection listener failed; closing session " + session.id(), e);
            session.close(CloseReason.FORCED_CLOSE);
          }
        }
      });
      session.open(upgrades);
    });
  }


  private void route(HttpExchange exchange, EngineSession session, String transportName) {
    String current = session.transport();
    switch (transportName) {
      case PollingTransport.NAME -> {
        if (!current.equals(PollingTransport.NAME)) {
          refuse(exchange, EngineError.BAD_REQUEST,
              Map.of("name", "TRANSPORT_MISMATCH", "transport", transportName, "previousTransport", current));
          return;
        }
        PollingTransport polling = (PollingTransport) session.currentTransport();
        String method = exchange.request().method();
        if ("GET".equals(method)) {
          polling.onGet(exchange);
        } else if ("POST".equals(method) && session.isOpen()) {
          polling.onPost(exchange);
        } else {
          respondError(exchange, EngineError.BAD_REQUEST);
        }
      }
      case WebSocketTransport.NAME -> {
        if (!options.allowUpgrades() || !session.canUpgrade() || current.equals(WebSocketTransport.NAME)) {
          // As the reference server does: accept, then close at once. The session is untouched.
          exchange.acceptWebSocket(Map.of(), connection -> {
            connection.close(1008, "no upgrade possible for this session");
            return IGNORE_FRAMES;
          });
          return;
        }
        exchange.acceptWebSocket(Map.of(), connection -> {
          WebSocketTransport ws = new WebSocketTransport(this);
          ws.connected(connection);
          ws.attach(session);
          session.lane.execute(() -> session.beginUpgrade(ws));
          return ws;
        });
      }
      case SseTransport.NAME -> SseTransport.route(this, exchange, session);
      default -> respondError(exchange, EngineError.TRANSPORT_UNKNOWN);
    }
  }


  /** The allowed transports better than {@code current}, most preferred first, as the policy narrows them. */
  List<String> upgradesFor(TransportRequest req, String current) {
    if (!options.allowUpgrades()) return List.of();
    int rank = EngineOptions.ALL_TRANSPORTS.indexOf(current);
    List<String> offered = new ArrayList<>();
    for (String t : options.transports()) {
      if (EngineOptions.ALL_TRANSPORTS.indexOf(t) < rank) offered.add(t);
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
  private void refuse(HttpExchange exchange, EngineError error, Map<String, String> context) {
    respondError(exchange, error);
    if (connectionErrorListeners.isEmpty()) return;
    ConnectionError refused = new ConnectionError(exchange.request(), error, context);
    for (Consumer<ConnectionError> listener : connectionErrorListeners) {
      try {
        listener.accept(refused);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "connection_error listener failed", e);
      }
    }
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

  /** The session began closing: it no longer counts as open. */
  void sessionClosed(EngineSession session) {
    openCount.decrementAndGet();
  }

  /** The session is gone: its sid is unknown from now on. */
  void sessionFinished(EngineSession session) {
    sessions.remove(session.id(), session);
  }

  void forEachOpenSession(Consumer<EngineSocket> action) {
    for (EngineSession s : sessions.values()) if (s.isOpen()) action.accept(s);
  }

  /** 128 bits from a CSPRNG, URL-safe base64 without padding (22 characters). */
  static String newSessionId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

}
