package dev.belay.engine;

import java.util.function.Consumer;

/**
 * An Engine.IO v4 server: verifies requests, does the handshake, routes requests to sessions,
 * heartbeats them and upgrades them between transports. It knows no HTTP server: a binding
 * (Undertow's, in {@code belay-transports}) hands it each request.
 *
 * <pre>{@code
 * EngineServer engine = new EngineServer(EngineOptions.builder().path("/engine.io/").build());
 * engine.onConnection(socket -> socket.onMessage(data -> socket.send(data.toString())));
 * Listening http = engine.listen("127.0.0.1", 3000);
 * }</pre>
 */
public final class EngineServer implements AutoCloseable {
  private final EngineOptions options;

  public EngineServer(EngineOptions options) {
    this.options = options;
  }

  /** Adds a listener for new sessions. Runs on the new session's listener lane. */
  public EngineServer onConnection(Consumer<EngineSocket> listener) {
    throw new UnsupportedOperationException("todo");
  }

  public EngineOptions options() {
    return options;
  }

  /** The clock and timers this server uses (the injected one, or the real one). */
  public EngineScheduler scheduler() {
    throw new UnsupportedOperationException("todo");
  }

  /** The number of open sessions. */
  public int clientsCount() {
    throw new UnsupportedOperationException("todo");
  }

  /** Starts an HTTP server on {@code host:port} through the {@link HttpBinding} on the class path. */
  public Listening listen(String host, int port) {
    throw new UnsupportedOperationException("todo");
  }

  /** Closes every session with {@link CloseReason#SERVER_SHUTTING_DOWN}. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("todo");
  }
}
