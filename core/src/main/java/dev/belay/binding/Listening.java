package dev.belay.binding;

import dev.belay.engine.EngineServer;

/**
 * A running HTTP listener started by {@link EngineServer#listen(String, int)}; closing it stops
 * the HTTP server and closes every session.
 *
 * <pre>{@code
 * try (Listening http = engine.listen("127.0.0.1", 0)) {
 *   System.out.println("listening on " + http.port());
 * }
 * }</pre>
 */
public interface Listening extends AutoCloseable {
  /** The bound port (useful after asking for port 0). */
  int port();

  /** The bound host. */
  String host();

  @Override
  void close();
}
