package dev.belay.binding;

import dev.belay.engine.EngineServer;

/**
 * Service-provider interface that starts an HTTP server for an {@link EngineServer}. Core has no
 * HTTP server of its own; {@code belay-transports} provides one on Undertow, found through
 * {@link java.util.ServiceLoader} when it is on the class path.
 *
 * <pre>{@code
 * // META-INF/services/dev.belay.binding.HttpBinding
 * dev.belay.transport.UndertowBinding
 * }</pre>
 */
public interface HttpBinding {
  /** Starts serving {@code engine} at its path on {@code host:port} (port 0 picks a free one). */
  Listening listen(EngineServer engine, String host, int port);

  /**
   * Starts serving {@code engine} as {@code options} say (TLS, HTTP/2). A binding that offers
   * only plain HTTP/1.1 need not implement it: the default serves options that need nothing more,
   * and refuses the others.
   */
  default Listening listen(EngineServer engine, ListenOptions options) {
    if (options.needsMoreThanHttp1()) {
      throw new UnsupportedOperationException(getClass().getName() + " serves neither TLS nor h2c");
    }
    return listen(engine, options.host(), options.port());
  }
}
