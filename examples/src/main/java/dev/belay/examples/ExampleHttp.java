package dev.belay.examples;

import dev.belay.Server;
import dev.belay.binding.Tls;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.BelayUndertow;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;
import java.util.function.Supplier;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;

/**
 * One Undertow server for an example: Belay at {@code /socket.io/} (with the bundled client at
 * {@code /socket.io/socket.io.js}) and the example's pages from a class-path folder.
 *
 * <pre>{@code
 * try (ExampleHttp http = ExampleHttp.start(io, "dev/belay/examples/chat/", "127.0.0.1", 0)) {
 *   System.out.println(http.url());
 * }
 * }</pre>
 */
public final class ExampleHttp implements AutoCloseable {
  private final Undertow undertow;
  private final Server io;
  private final String host;
  private final int port;
  private final boolean secure;

  private ExampleHttp(Undertow undertow, Server io, String host, int port, boolean secure) {
    this.undertow = undertow;
    this.io = io;
    this.host = host;
    this.port = port;
    this.secure = secure;
  }

  /** Starts serving; port 0 picks a free port. */
  public static ExampleHttp start(Server io, String pagesFolder, String host, int port) {
    return start(io, pagesFolder, host, port, null);
  }

  /** Starts serving, over https and wss (HTTP/2 by ALPN) when {@code tls} is not null. */
  public static ExampleHttp start(Server io, String pagesFolder, String host, int port, Tls tls) {
    return start(io, pagesFolder, host, port, tls, Map.of());
  }

  /**
   * Starts serving, with {@code json}: paths (such as {@code "/stats.json"}) answered with the
   * supplier's JSON, computed per request.
   */
  public static ExampleHttp start(Server io, String pagesFolder, String host, int port, Tls tls,
      Map<String, Supplier<String>> json) {
    HttpHandler pages = new StaticResources(pagesFolder, ResponseCodeHandler.HANDLE_404);
    HttpHandler withJson = exchange -> {
      Supplier<String> body = json.get(exchange.getRequestPath());
      if (body == null || !Methods.GET.equals(exchange.getRequestMethod())) {
        pages.handleRequest(exchange);
        return;
      }
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
      exchange.getResponseSender().send(body.get());
    };
    return start(io, json.isEmpty() ? pages : withJson, host, port, tls);
  }

  /** Starts serving Belay and, for every other path, {@code pages}. */
  public static ExampleHttp start(Server io, HttpHandler pages, String host, int port, Tls tls) {
    Undertow.Builder builder = BelayUndertow.builder(io).setHandler(new BelayHandler(io, pages));
    if (tls != null) {
      BelayUndertow.tls(builder, tls, true).addHttpsListener(port, host, tls.sslContext());
    } else {
      builder.addHttpListener(port, host);
    }
    Undertow undertow = builder.build();
    undertow.start();
    InetSocketAddress bound = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    return new ExampleHttp(undertow, io, host, bound.getPort(), tls != null);
  }

  /** The Belay server it serves. */
  public Server io() {
    return io;
  }

  public int port() {
    return port;
  }

  /** The address to open in a browser (localhost when listening on every interface). */
  public String url() {
    String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    return (secure ? "https://" : "http://") + shown + ":" + port + "/";
  }

  /** Closes every connection, then stops the HTTP server. */
  @Override
  public void close() {
    io.close();
    undertow.stop();
  }
}
