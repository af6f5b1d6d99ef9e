package dev.belay.transport;

import dev.belay.engine.EngineServer;
import dev.belay.engine.SessionIds;
import io.undertow.client.UndertowClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.HttpString;
import java.net.URI;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Serves a cluster without sticky sessions: a request for a session another node holds (polling
 * GET or POST, SSE stream or POST, WebSocket upgrade with {@code sid=}) is handed to that node over
 * HTTP with Undertow's reverse-proxy client, streamed (a held poll, an SSE stream and a WebSocket
 * pass through as they are), with {@code X-Forwarded-For} kept. Everything else goes to the
 * {@link BelayHandler} it wraps.
 *
 * <p>The owner is found from the sid alone: sids carry their node's tag ({@link SessionIds}), and
 * {@code ownerAddress} maps a tag to the {@code host:port} the owner advertises, or null when no
 * live node has it (then the request is served here and gets the usual "unknown session" answer).
 * A forwarded request carries {@value #FORWARDED_HEADER} and is never forwarded again.
 *
 * <pre>{@code
 * EngineServer engine = server.engine();
 * engine.nodeTag(SessionIds.tagFor(nodeId));
 * HttpHandler handler = new ForwardingHandler(engine, new BelayHandler(server, next), peers::addressOf);
 * }</pre>
 */
public final class ForwardingHandler implements HttpHandler {
  /** Marks a request one node forwarded to another: the loop guard. */
  public static final String FORWARDED_HEADER = "X-Belay-Forwarded";
  private static final HttpString FORWARDED = new HttpString(FORWARDED_HEADER);

  private final EngineServer engine;
  private final HttpHandler local;
  private final Function<String, String> ownerAddress;
  private final String path;
  private final String pathWithoutSlash;
  /** One proxy (with its connection pool) per owner address; thread-safe map, grows with peers. */
  private final Map<String, HttpHandler> proxies = new ConcurrentHashMap<>();

  /**
   * Forwards requests for other nodes' sessions; {@code ownerAddress} maps a node tag to its
   * {@code host:port} (null: unknown or dead) and is called on I/O threads, so it must not block.
   */
  public ForwardingHandler(EngineServer engine, HttpHandler local, Function<String, String> ownerAddress) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.local = Objects.requireNonNull(local, "local");
    this.ownerAddress = Objects.requireNonNull(ownerAddress, "ownerAddress");
    this.path = engine.options().path();
    this.pathWithoutSlash = path.substring(0, path.length() - 1);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String address = ownerOf(exchange);
    if (address == null) {
      local.handleRequest(exchange);
      return;
    }
    exchange.getRequestHeaders().put(FORWARDED, "1");
    proxies.computeIfAbsent(address, ForwardingHandler::proxyTo).handleRequest(exchange);
  }

  /** The address to forward to, or null to serve here. Never throws on bad input. */
  private String ownerOf(HttpServerExchange exchange) {
    String requestPath = exchange.getRequestPath();
    if (!requestPath.equals(path) && !requestPath.equals(pathWithoutSlash)) return null;
    if (exchange.getRequestHeaders().contains(FORWARDED)) return null;
    Deque<String> sids = exchange.getQueryParameters().get("sid");
    String sid = sids == null ? null : sids.peekFirst();
    String tag = SessionIds.tagOf(sid);
    if (tag == null || tag.equals(engine.nodeTag()) || engine.socket(sid) != null) return null;
    String address = ownerAddress.apply(tag);
    return address == null || address.isEmpty() ? null : address;
  }

  private static HttpHandler proxyTo(String address) {
    LoadBalancingProxyClient client = new LoadBalancingProxyClient(UndertowClient.getInstance())
        .setConnectionsPerThread(32)
        .setProblemServerRetry(1)
        .addHost(URI.create("http://" + address));
    return ProxyHandler.builder()
        .setProxyClient(client)
        .setReuseXForwarded(true)
        .setRewriteHostHeader(false)
        .setMaxRequestTime(-1)
        .setNext(ResponseCodeHandler.HANDLE_404)
        .build();
  }
}
