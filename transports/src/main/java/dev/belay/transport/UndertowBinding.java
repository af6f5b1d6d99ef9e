package dev.belay.transport;

import dev.belay.binding.HttpBinding;
import dev.belay.binding.Listening;
import dev.belay.engine.EngineServer;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;

/**
 * Starts a standalone Undertow server for an engine; found by {@link EngineServer#listen} through
 * {@link java.util.ServiceLoader}. Applications usually call {@code engine.listen(host, port)} or
 * {@code server.listen(port)} rather than this class.
 *
 * <pre>{@code
 * Listening http = new UndertowBinding().listen(engine, "127.0.0.1", 0);
 * int port = http.port();
 * }</pre>
 */
public final class UndertowBinding implements HttpBinding {
  @Override
  public Listening listen(EngineServer engine, String host, int port) {
    Undertow undertow = BelayUndertow.builder(engine)
        .addHttpListener(port, host)
        // Caps bodies sent to other paths (the 404s). Belay's own path counts its bodies itself and
        // answers 413 (UndertowBodyReader): this limit, when a chunked body trips it, only cuts
        // the connection.
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) engine.options().maxPayload())
        .setHandler(new BelayHandler(engine))
        .build();
    undertow.start();
    InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    return new Listening() {
      @Override
      public int port() {
        return address.getPort();
      }

      @Override
      public String host() {
        return host;
      }

      @Override
      public void close() {
        engine.close();
        undertow.stop();
      }
    };
  }
}
