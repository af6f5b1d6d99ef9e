package dev.belay.transport;

import dev.belay.binding.HttpBinding;
import dev.belay.binding.ListenOptions;
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
 *
 * <p>With {@link ListenOptions#tls()} it serves https and wss on one port, TLS 1.3 and 1.2 only,
 * and HTTP/2 by ALPN unless {@code http2(false)} (see {@link BelayUndertow#tls}).
 */
public final class UndertowBinding implements HttpBinding {
  @Override
  public Listening listen(EngineServer engine, String host, int port) {
    return listen(engine, ListenOptions.builder().host(host).port(port).build());
  }

  @Override
  public Listening listen(EngineServer engine, ListenOptions options) {
    Undertow.Builder builder = BelayUndertow.builder(engine)
        // Caps bodies sent to other paths (the 404s). Belay's own path counts its bodies itself and
        // answers 413 (UndertowBodyReader): this limit, when a chunked body trips it, only cuts
        // the connection.
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) engine.options().maxPayload())
        .setHandler(new BelayHandler(engine));
    if (options.tls() != null) {
      BelayUndertow.tls(builder, options.tls(), options.http2());
      builder.addHttpsListener(options.port(), options.host(), options.tls().sslContext());
    } else {
      builder.addHttpListener(options.port(), options.host());
      if (options.h2c()) builder.setServerOption(UndertowOptions.ENABLE_HTTP2, true);
    }
    Undertow undertow = builder.build();
    undertow.start();
    InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    String host = options.host();
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
