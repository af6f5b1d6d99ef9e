package dev.belay.examples;

import dev.belay.Health;
import dev.belay.Server;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Deque;

/**
 * The operations endpoints of an example, in front of its pages:
 * <ul>
 * <li>{@code GET /health}: 200 with {@link Health#toJson()} while the node takes clients, 503
 *     while it drains (for a load balancer's health check);
 * <li>{@code GET /metrics}: the Prometheus text format, when a registry is given;
 * <li>{@code POST /drain?seconds=N} (from this machine only): starts {@code server.drain} over N
 *     seconds (30 by default) and answers 202; the health check turns 503 at once.
 * </ul>
 *
 * <pre>{@code
 * HttpHandler pages = new OpsEndpoints(io, registry, new StaticResources(ChatServer.PAGES, HANDLE_404));
 * }</pre>
 *
 * <p>Threading: stateless; a scrape is written on a worker thread, the rest on the I/O thread.
 */
public final class OpsEndpoints implements HttpHandler {
  private final Server io;
  private final PrometheusMeterRegistry registry;
  private final HttpHandler next;

  /** {@code registry} may be null: then {@code /metrics} is not served. */
  public OpsEndpoints(Server io, PrometheusMeterRegistry registry, HttpHandler next) {
    this.io = io;
    this.registry = registry;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRequestPath();
    boolean get = exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD);
    if (path.equals("/health") && get) {
      Health health = io.health();
      respond(exchange, health.serving() ? 200 : 503, "application/json", health.toJson());
    } else if (path.equals("/metrics") && get && registry != null) {
      if (exchange.isInIoThread()) {
        exchange.dispatch(this); // a scrape formats every meter: not on an I/O thread
        return;
      }
      respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    } else if (path.equals("/drain") && exchange.getRequestMethod().equals(Methods.POST)) {
      if (!fromLoopback(exchange)) {
        respond(exchange, 403, "text/plain", "drain is only taken from this machine\n");
        return;
      }
      long seconds = 30;
      Deque<String> given = exchange.getQueryParameters().get("seconds");
      if (given != null) {
        try {
          seconds = Math.max(0, Math.min(3600, Long.parseLong(given.getFirst())));
        } catch (NumberFormatException e) {
          respond(exchange, 400, "text/plain", "seconds must be a number\n");
          return;
        }
      }
      io.drain(Duration.ofSeconds(seconds));
      respond(exchange, 202, "application/json", io.health().toJson());
    } else {
      next.handleRequest(exchange);
    }
  }

  private static boolean fromLoopback(HttpServerExchange exchange) {
    InetSocketAddress peer = exchange.getSourceAddress();
    return peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
  }

  private static void respond(HttpServerExchange exchange, int status, String type, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(body);
  }
}
