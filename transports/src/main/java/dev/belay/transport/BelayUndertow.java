package dev.belay.transport;

import dev.belay.Server;
import dev.belay.binding.Tls;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.xnio.Options;
import org.xnio.Sequence;

/**
 * An {@link Undertow.Builder} with the connection timeouts a server exposed to the internet needs,
 * taken from the engine's options. Undertow's own defaults have none: a client that sends a
 * request head one byte at a time, or opens connections and sends nothing, holds them forever.
 * Start every Undertow server that mounts a {@link BelayHandler} from here ({@code io.listen}
 * does the same).
 *
 * <pre>{@code
 * BelayUndertow.builder(io)                  // instead of Undertow.builder()
 *     .addHttpListener(8080, "0.0.0.0")
 *     .setHandler(new BelayHandler(io, app))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>What it sets (Undertow 2.x): {@code REQUEST_PARSE_TIMEOUT} = {@code requestHeadersTimeout}
 * (the whole request head must arrive within it), {@code NO_REQUEST_TIMEOUT} and
 * {@code IDLE_TIMEOUT} = {@code idleTimeout} (a keep-alive connection without a request, and any
 * connection with no byte read or written, are closed). Heartbeats keep live sessions' connections
 * busier than that. The body read timeout is not a connection option: {@link BelayHandler}
 * enforces {@code bodyReadTimeout} on the bodies it reads.
 */
public final class BelayUndertow {
  private BelayUndertow() {}

  /** {@code Undertow.builder()} with the timeouts of {@code io}'s engine options. */
  public static Undertow.Builder builder(Server io) {
    return builder(io.engine());
  }

  /** {@code Undertow.builder()} with the timeouts of {@code engine}'s options. */
  public static Undertow.Builder builder(EngineServer engine) {
    return configure(Undertow.builder(), engine.options());
  }

  /** Sets the connection timeouts of {@code options} on {@code builder}; returns it. */
  public static Undertow.Builder configure(Undertow.Builder builder, EngineOptions options) {
    int idle = (int) Math.min(Integer.MAX_VALUE, options.idleTimeout().toMillis());
    return builder
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT,
            (int) Math.min(Integer.MAX_VALUE, options.requestHeadersTimeout().toMillis()))
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, idle)
        .setServerOption(UndertowOptions.IDLE_TIMEOUT, idle);
  }

  /**
   * Sets what Belay's own TLS listener uses on {@code builder}: TLS 1.3 and 1.2 only (the
   * protocols of {@code tls}), and HTTP/2 by ALPN when {@code http2} (clients that do not offer
   * {@code h2}, and WebSocket upgrades, get HTTP/1.1 on the same port). Add the listener with
   * {@code addHttpsListener(port, host, tls.sslContext())}; returns {@code builder}.
   *
   * <pre>{@code
   * Tls tls = Tls.pem(chain, key);
   * BelayUndertow.tls(BelayUndertow.builder(io), tls, true)
   *     .addHttpsListener(8443, "0.0.0.0", tls.sslContext())
   *     .setHandler(new BelayHandler(io, app))
   *     .build().start();
   * }</pre>
   */
  public static Undertow.Builder tls(Undertow.Builder builder, Tls tls, boolean http2) {
    return builder
        .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(tls.protocols()))
        .setServerOption(UndertowOptions.ENABLE_HTTP2, http2);
  }
}
