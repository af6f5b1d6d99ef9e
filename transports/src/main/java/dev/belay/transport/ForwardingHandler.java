package dev.belay.transport;

import dev.belay.engine.EngineServer;
import dev.belay.engine.SessionIds;
import dev.belay.engine.SessionOwners;
import io.undertow.client.UndertowClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import org.xnio.IoUtils;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
  /** Connections to one owner per I/O thread: in practice no limit (see {@link #proxyTo}). */
  private static final int MAX_RELAYS_PER_THREAD = 1_000_000;
  /** How long a connection to an owner beyond the 32 kept per thread may stay idle. */
  private static final int IDLE_RELAY_TTL_MILLIS = 30_000;

  private final EngineServer engine;
  private final HttpHandler local;
  private final SessionOwners owners;
  private final String path;
  private final String pathWithoutSlash;
  /** One proxy (with its connection pool) per owner address; thread-safe map, grows with peers. */
  private final Map<String, HttpHandler> proxies = new ConcurrentHashMap<>();
  /**
   * Client connections that carried a request this node relayed, until they close: what a drain
   * must close, spread out, beside this node's own sessions. Thread-safe set, any thread.
   */
  private final Set<ServerConnection> relaying = ConcurrentHashMap.newKeySet();

  /**
   * Forwards requests for other nodes' sessions; {@code ownerAddress} maps a node tag to its
   * {@code host:port} (null: unknown or dead) and is called on I/O threads, so it must not block.
   */
  public ForwardingHandler(EngineServer engine, HttpHandler local, Function<String, String> ownerAddress) {
    this(engine, local, fixed(engine, Objects.requireNonNull(ownerAddress, "ownerAddress")));
  }

  /**
   * Forwards requests for other nodes' sessions to the addresses {@code owners} knows; when it
   * knows none for a tag, asks {@link SessionOwners#lookup} (the request waits without holding a
   * thread) and serves the request here if that finds none either.
   */
  public ForwardingHandler(EngineServer engine, HttpHandler local, SessionOwners owners) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.local = Objects.requireNonNull(local, "local");
    this.owners = Objects.requireNonNull(owners, "owners");
    this.path = engine.options().path();
    this.pathWithoutSlash = path.substring(0, path.length() - 1);
    engine.onDrain(this::closeRelaysSpreadOver);
  }

  private static SessionOwners fixed(EngineServer engine, Function<String, String> ownerAddress) {
    return new SessionOwners() {
      @Override
      public String localTag() {
        return engine.nodeTag();
      }

      @Override
      public String addressOf(String tag) {
        return ownerAddress.apply(tag);
      }
    };
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String tag = foreignTag(exchange);
    if (tag == null) {
      local.handleRequest(exchange);
      return;
    }
    String address = owners.addressOf(tag);
    if (address != null && !address.isEmpty()) {
      forward(exchange, address);
      return;
    }
    CompletableFuture<String> lookup;
    try {
      lookup = owners.lookup(tag).toCompletableFuture();
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    if (lookup.isDone()) {
      routeAfterLookup(exchange, lookup.isCompletedExceptionally() ? null : lookup.getNow(null));
      return;
    }
    // Undertow must not end the exchange when this returns; it resumes on its I/O thread.
    CompletableFuture<String> pending = lookup;
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> pending.whenComplete((found, error) ->
        exchange.dispatch(exchange.getIoThread(), e -> routeAfterLookup(e, error == null ? found : null))));
  }

  private void routeAfterLookup(HttpServerExchange exchange, String address) throws Exception {
    if (address == null || address.isEmpty()) {
      local.handleRequest(exchange); // no live owner: the usual "unknown session" answer
    } else {
      forward(exchange, address);
    }
  }

  private void forward(HttpServerExchange exchange, String address) throws Exception {
    exchange.getRequestHeaders().put(FORWARDED, "1");
    ServerConnection connection = exchange.getConnection();
    if (relaying.add(connection)) {
      connection.addCloseListener(relaying::remove);
      if (engine.draining()) closeLater(connection, 0); // a request that raced the drain
    }
    proxies.computeIfAbsent(address, this::proxyTo).handleRequest(exchange);
  }

  /**
   * A drain closes the connections this node relays too (a WebSocket, an SSE stream or a held
   * poll of another node's session), each at a random point of its own slot of {@code spread}, as
   * it does its own sessions: when this node then stops, none of their clients is cut at once
   * with the others. Each client sees its transport close and reconnects through the balancer
   * (resuming its session when recovery is on).
   */
  private void closeRelaysSpreadOver(Duration spread) {
    List<ServerConnection> open = new ArrayList<>(relaying);
    int n = open.size();
    for (int i = 0; i < n; i++) {
      closeLater(open.get(i), (long) ((i + ThreadLocalRandom.current().nextDouble()) * spread.toMillis() / n));
    }
  }

  private void closeLater(ServerConnection connection, long millis) {
    engine.scheduler().schedule(() -> connection.getIoThread().execute(() -> IoUtils.safeClose(connection)),
        Duration.ofMillis(millis));
  }

  /** The tag of another node whose session this request is for, or null to serve here. Never throws on bad input. */
  private String foreignTag(HttpServerExchange exchange) {
    String requestPath = exchange.getRequestPath();
    if (!requestPath.equals(path) && !requestPath.equals(pathWithoutSlash)) return null;
    if (exchange.getRequestHeaders().contains(FORWARDED)) return null;
    Deque<String> sids = exchange.getQueryParameters().get("sid");
    String sid = sids == null ? null : sids.peekFirst();
    String tag = SessionIds.tagOf(sid);
    if (tag == null || tag.equals(engine.nodeTag()) || engine.socket(sid) != null) return null;
    return tag;
  }

  /**
   * A proxy to one owner. When the owner cannot be reached (it died and the directory does not
   * know yet), the request is served here instead of answered 503 by the proxy: this node does
   * not hold the session, so the client gets the usual "unknown session" answer at once and
   * starts over (recovering its session through any node when recovery is on).
   */
  private HttpHandler proxyTo(String address) {
    // Every relayed WebSocket, SSE stream and held poll needs a connection of its own to the owner
    // for as long as it lasts, so their number is the number of such requests (which the owner's
    // own limits bound), not a pool size: a cap here would refuse the 33rd long-lived relay on a
    // thread. Up to 32 idle ones per thread are kept for the short requests.
    LoadBalancingProxyClient client = new LoadBalancingProxyClient(UndertowClient.getInstance())
        .setConnectionsPerThread(MAX_RELAYS_PER_THREAD)
        .setSoftMaxConnectionsPerThread(32)
        .setTtl(IDLE_RELAY_TTL_MILLIS)
        .setProblemServerRetry(1)
        .addHost(URI.create("http://" + address));
    return ProxyHandler.builder()
        .setProxyClient(new OwnerUnreachableHereClient(client, local))
        .setReuseXForwarded(true)
        .setRewriteHostHeader(false)
        .setMaxRequestTime(-1)
        .setNext(ResponseCodeHandler.HANDLE_404)
        .build();
  }

  /** The owner's proxy client, serving a request locally when no connection to the owner can be had. */
  private record OwnerUnreachableHereClient(ProxyClient owner, HttpHandler local) implements ProxyClient {
    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
      return owner.findTarget(exchange);
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback,
        long timeout, TimeUnit timeUnit) {
      owner.getConnection(target, exchange, new ProxyCallback<>() {
        @Override
        public void completed(HttpServerExchange ex, ProxyConnection connection) {
          callback.completed(ex, connection);
        }

        @Override
        public void failed(HttpServerExchange ex) {
          serveHere(ex);
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange ex) {
          serveHere(ex);
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange ex) {
          callback.queuedRequestFailed(ex);
        }
      }, timeout, timeUnit);
    }

    private void serveHere(HttpServerExchange exchange) {
      try {
        local.handleRequest(exchange);
      } catch (Exception e) {
        exchange.setStatusCode(503);
        exchange.endExchange();
      }
    }
  }
}
