package dev.belay.transport;

import dev.belay.Server;
import dev.belay.engine.EngineServer;
import dev.belay.engine.SessionOwners;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Undertow handler that serves a Belay server at its path (default {@code /socket.io/}), and
 * the bundled client at {@code <path>socket.io.js} unless {@code serveClient(false)}, and hands
 * every other request to {@code next}, so it mounts into an existing Undertow server.
 *
 * <pre>{@code
 * Server io = new Server();
 * io.on("connection", socket -> socket.emit("hello"));
 * BelayUndertow.builder(io) // Undertow.builder() with Belay's connection timeouts
 *     .addHttpListener(8080, "0.0.0.0")
 *     .setHandler(new BelayHandler(io, myOtherHandler))
 *     .build().start();
 * }</pre>
 *
 * <p>Its own path is bounded whatever the server's settings: bodies by {@code maxPayload} (413)
 * and by {@code bodyReadTimeout} between reads. The connection timeouts (request head, idle) are
 * the server's: build it with {@link BelayUndertow#builder(Server)}.
 *
 * <p>It never blocks the I/O thread: a held poll, an SSE stream and a WebSocket cost no thread.
 */
public final class BelayHandler implements HttpHandler {
  private final EngineServer engine;
  private final HttpHandler next;
  private final String path;
  private final String pathWithoutSlash;
  private final long bodyReadTimeoutMillis;
  /** Polling/SSE compression threshold, or -1 when off; immutable. */
  private final int compressionThreshold;
  /** permessage-deflate threshold, or -1 when off; immutable. */
  private final int deflateThreshold;
  /** Hands other nodes' sessions to them when the engine has {@link EngineServer#sessionOwners}; immutable. */
  private final ForwardingHandler forwarding;
  /** Whether the engine's session owners were told where this node was reached; any I/O thread (a race only repeats the call). */
  private volatile boolean reachedToldOnce;
  /** Whether the session owners' {@link SessionOwners#advertised} completed; any I/O thread (a race only checks again). */
  private volatile boolean advertised;

  /** Serves a Socket.IO server; everything else goes to {@code next}. */
  public BelayHandler(Server server, HttpHandler next) {
    this(server.engine(), next);
  }

  /** Serves {@code engine} and answers 404 to everything else. */
  public BelayHandler(EngineServer engine) {
    this(engine, ResponseCodeHandler.HANDLE_404);
  }

  /** Serves an engine (Engine.IO only, no Socket.IO layer); everything else goes to {@code next}. */
  public BelayHandler(EngineServer engine, HttpHandler next) {
    this.engine = engine;
    this.next = engine.options().serveClient() ? new ClientScriptHandler(engine.options().path(), next) : next;
    this.path = engine.options().path();
    this.pathWithoutSlash = path.substring(0, path.length() - 1);
    this.bodyReadTimeoutMillis = engine.options().bodyReadTimeout().toMillis();
    this.compressionThreshold = engine.options().httpCompression() ? engine.options().httpCompressionThreshold() : -1;
    this.deflateThreshold = engine.options().perMessageDeflate() ? engine.options().perMessageDeflateThreshold() : -1;
    this.forwarding = new ForwardingHandler(engine, this::serve, new CurrentOwners(engine));
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String requestPath = exchange.getRequestPath();
    if (!requestPath.equals(path) && !requestPath.equals(pathWithoutSlash)) {
      next.handleRequest(exchange);
      return;
    }
    SessionOwners owners = engine.sessionOwners();
    if (owners != null) {
      if (!reachedToldOnce) tellReached(owners, exchange);
      if (!advertised && holdUntilAdvertised(owners, exchange)) return;
      forwarding.handleRequest(exchange);
      return;
    }
    serve(exchange);
  }

  private void tellReached(SessionOwners owners, HttpServerExchange exchange) {
    InetSocketAddress at = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
    if (at == null || at.getAddress() == null) return;
    reachedToldOnce = true;
    String host = at.getAddress().getHostAddress();
    owners.reachedAt((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + at.getPort());
  }

  /**
   * Holds a handshake (a request without {@code sid}) until the other nodes can find this one,
   * then serves it: its sid must not reach a client before they can. True when it was held.
   */
  private boolean holdUntilAdvertised(SessionOwners owners, HttpServerExchange exchange) {
    CompletableFuture<Void> ready = owners.advertised().toCompletableFuture();
    if (ready.isDone()) {
      advertised = true;
      return false;
    }
    if (exchange.getQueryParameters().containsKey("sid")) return false;
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> ready.whenComplete((done, error) ->
        exchange.dispatch(exchange.getIoThread(), forwarding)));
    return true;
  }

  /** Serves a request of this node's path here. */
  private void serve(HttpServerExchange exchange) {
    // Dispatched (on this same I/O thread, right after we return) so that Undertow does not end
    // the exchange when this method returns: a poll may be answered later, from another thread.
    UndertowExchange wrapped = new UndertowExchange(exchange, engine.options().maxPayload(), bodyReadTimeoutMillis,
        compressionThreshold, deflateThreshold);
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> engine.handle(wrapped));
  }

  /** The engine's session owners as they are now (installed by a cluster adapter after this handler may exist). */
  private record CurrentOwners(EngineServer engine) implements SessionOwners {
    @Override
    public String localTag() {
      return engine.nodeTag();
    }

    @Override
    public String addressOf(String tag) {
      SessionOwners owners = engine.sessionOwners();
      return owners == null ? null : owners.addressOf(tag);
    }

    @Override
    public CompletionStage<String> lookup(String tag) {
      SessionOwners owners = engine.sessionOwners();
      return owners == null ? CompletableFuture.completedFuture(null) : owners.lookup(tag);
    }
  }
}
