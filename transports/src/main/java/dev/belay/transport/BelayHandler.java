package dev.belay.transport;

import dev.belay.engine.EngineServer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.util.SameThreadExecutor;

/**
 * The Undertow handler that serves a Belay engine at its path (default {@code /socket.io/}) and
 * hands every other request to {@code next}, so it mounts into an existing Undertow server.
 *
 * <pre>{@code
 * EngineServer engine = new EngineServer(EngineOptions.defaults());
 * Undertow.builder()
 *     .addHttpListener(8080, "0.0.0.0")
 *     .setHandler(new BelayHandler(engine, myOtherHandler))
 *     .build().start();
 * }</pre>
 *
 * <p>It never blocks the I/O thread: a held poll, an SSE stream and a WebSocket cost no thread.
 */
public final class BelayHandler implements HttpHandler {
  private final EngineServer engine;
  private final HttpHandler next;
  private final String path;
  private final String pathWithoutSlash;

  /** Serves {@code engine} and answers 404 to everything else. */
  public BelayHandler(EngineServer engine) {
    this(engine, ResponseCodeHandler.HANDLE_404);
  }

  public BelayHandler(EngineServer engine, HttpHandler next) {
    this.engine = engine;
    this.next = next;
    this.path = engine.options().path();
    this.pathWithoutSlash = path.substring(0, path.length() - 1);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String requestPath = exchange.getRequestPath();
    if (!requestPath.equals(path) && !requestPath.equals(pathWithoutSlash)) {
      next.handleRequest(exchange);
      return;
    }
    // Dispatched (on this same I/O thread, right after we return) so that Undertow does not end
    // the exchange when this method returns: a poll may be answered later, from another thread.
    UndertowExchange wrapped = new UndertowExchange(exchange, engine.options().maxPayload());
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> engine.handle(wrapped));
  }
}
