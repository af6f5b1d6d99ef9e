package dev.belay.transport;

import dev.belay.binding.HttpExchange;
import dev.belay.binding.WebSocketConnection;
import dev.belay.binding.WebSocketListener;
import dev.belay.engine.TransportRequest;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.HttpUpgradeListener;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version07.Hybi07Handshake;
import io.undertow.websockets.core.protocol.version08.Hybi08Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import io.undertow.websockets.spi.AsyncWebSocketHttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * {@link HttpExchange} over Undertow. Every operation on the exchange runs on the exchange's own
 * I/O thread (hopping there when called from elsewhere), which is how Undertow wants an exchange
 * used across threads; nothing here blocks.
 */
final class UndertowExchange implements HttpExchange {
  /**
   * One abort watcher per connection: keep-alive connections carry many polls, listeners must not
   * pile up. Over HTTP/2 Undertow keeps a connection's attachments on the shared channel, so one
   * watcher serves every stream of it, each exchange with its own callback.
   */
  private static final AttachmentKey<AbortWatcher> ABORT = AttachmentKey.create(AbortWatcher.class);
  /** What to do once the upgrade is done; on the exchange from acceptWebSocket until the upgrade. */
  private static final AttachmentKey<WebSocketOpen> WS_OPEN = AttachmentKey.create(WebSocketOpen.class);
  /** The WebSocket versions Undertow's own handshake handler offers; stateless, so shared. */
  private static final List<Handshake> HANDSHAKES =
      List.of(new Hybi13Handshake(), new Hybi08Handshake(), new Hybi07Handshake());
  /**
   * Where Undertow's peer-connection tracking would go: Belay never broadcasts through it, so
   * channels are not added; each one's close task removes itself, which on an empty set is a no-op.
   */
  private static final Set<WebSocketChannel> NO_PEERS = Collections.emptySet();
  /**
   * The upgrade step shared by every WebSocket. Undertow keeps a connection's upgrade listener
   * reachable for the connection's whole life, and its own handshake handler installs one per
   * request that captures the exchange (request and response headers, buffers): about 1.5 KB per
   * idle WebSocket, which idle connections cannot afford. This one captures nothing; what it needs comes on an
   * exchange attachment that it removes, so the exchange is garbage once upgraded.
   */
  private static final HttpUpgradeListener UPGRADE = (streamConnection, ex) -> {
    WebSocketOpen opener = ex.removeAttachment(WS_OPEN);
    AsyncWebSocketHttpServerExchange facade = new AsyncWebSocketHttpServerExchange(ex, NO_PEERS);
    WebSocketChannel channel = opener.handshake().createChannel(facade, streamConnection, facade.getBufferPool());
    UndertowWebSocket.open(channel, opener.maxPayload(), opener.open());
  };

  private final HttpServerExchange exchange;
  private final UndertowRequest request;
  private final int maxPayload;
  /** Smallest body that is compressed, or -1 for none. */
  private final int compressionThreshold;
  /** Smallest WebSocket message that is deflated, or -1 when permessage-deflate is off. */
  private final int deflateThreshold;
  /** The content coding the client accepts (gzip or deflate), or null; immutable. */
  private final String coding;
  /** Longest wait between two reads of a request body. */
  private final long bodyReadTimeoutMillis;
  /** Set on the I/O thread when a response has started; later respond calls are ignored. */
  private boolean responded;
  /** Set on the I/O thread when a streamed response started; it may still be aborted until it ends. */
  private boolean streaming;
  /**
   * Set on the I/O thread when the request body was over the limit and left (partly) unread: the
   * answer then ends the connection.
   */
  private boolean bodyLeftUnread;
  /** I/O thread: the request channel the body reader took before it stopped, or null if none. */
  private StreamSourceChannel unreadChannel;
  /** I/O thread: watches the connection of a held poll for the client's close, or null. */
  private PeerCloseWatch peerWatch;

  UndertowExchange(HttpServerExchange exchange, int maxPayload, long bodyReadTimeoutMillis) {
    this(exchange, maxPayload, bodyReadTimeoutMillis, -1, -1);
  }

  /**
   * @param compressionThreshold smallest body compressed for a client that accepts it, or -1 for
   *     no HTTP compression; a streamed (SSE) response is compressed whole when it is not -1
   * @param deflateThreshold smallest WebSocket message deflated, or -1 for no permessage-deflate
   */
  UndertowExchange(HttpServerExchange exchange, int maxPayload, long bodyReadTimeoutMillis,
      int compressionThreshold, int deflateThreshold) {
    this.exchange = exchange;
    this.compressionThreshold = compressionThreshold;
    this.deflateThreshold = deflateThreshold;
    this.coding = compressionThreshold < 0 ? null
        : HttpCompression.choose(exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING));
    this.request = new UndertowRequest(exchange);
    this.maxPayload = maxPayload;
    this.bodyReadTimeoutMillis = bodyReadTimeoutMillis;
    // The snapshot shares what it needs; Undertow's parsed copy (a TreeMap of deques) would stay
    // reachable for as long as a poll is held, about 0.5 KB per idle polling client.
    exchange.getQueryParameters().clear();
  }

  @Override
  public TransportRequest request() {
    return request;
  }

  @Override
  public boolean isWebSocketUpgrade() {
    String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  @Override
  public void readBody(int maxBytes, BodyListener listener) {
    onIoThread(() -> UndertowBodyReader.read(exchange, maxBytes, bodyReadTimeoutMillis, listener, channel -> {
      // The answer (413) goes out with the body unread: it says Connection: close, and the rest
      // of the body is dropped once it has gone out (see respond).
      bodyLeftUnread = true;
      unreadChannel = channel;
      exchange.setPersistent(false);
    }));
  }

  @Override
  public void respond(int status, Map<String, String> headers, byte[] plain) {
    // Compressed here, on the caller's thread (usually a worker), so the I/O thread only writes.
    boolean encode = coding != null && plain.length >= compressionThreshold && plain.length > 0;
    byte[] body = encode ? HttpCompression.encode(coding, plain) : plain;
    onIoThread(() -> {
      if (responded || exchange.isResponseStarted()) return;
      responded = true;
      stopPeerWatch();
      clearAbortWatch();
      exchange.setStatusCode(status);
      headers.forEach((k, v) -> exchange.getResponseHeaders().put(HttpString.tryFromString(k), v));
      if (compressionThreshold >= 0) HttpCompression.addVaryAcceptEncoding(exchange.getResponseHeaders());
      if (encode) exchange.getResponseHeaders().put(Headers.CONTENT_ENCODING, coding);
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
      if (!bodyLeftUnread) {
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
        return;
      }
      // Not endExchange(): on a connection that is not kept alive it shuts the reading side at
      // once, and closing a socket with unread bytes resets it, which can destroy the answer before
      // the client (busy sending its body) reads it. Instead the response is finished here, and
      // the rest of the body is read and dropped; the request then ends, and Undertow closes the
      // connection cleanly.
      exchange.getResponseSender().send(ByteBuffer.wrap(body), new IoCallback() {
        @Override
        public void onComplete(HttpServerExchange ex, Sender sender) {
          sender.close(new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex2, Sender s) {
              UndertowBodyReader.discardRest(ex2, unreadChannel);
            }

            @Override
            public void onException(HttpServerExchange ex2, Sender s, IOException e) {
              IoUtils.safeClose(ex2.getConnection());
            }
          });
        }

        @Override
        public void onException(HttpServerExchange ex, Sender sender, IOException e) {
          IoUtils.safeClose(ex.getConnection());
        }
      });
    });
  }

  @Override
  public ResponseStream stream(int status, Map<String, String> headers) {
    UndertowResponseStream stream = new UndertowResponseStream(exchange, this::clearAbortWatch, this::abortNow, coding, compressionThreshold >= 0);
    onIoThread(() -> {
      stopPeerWatch(); // the stream watches the connection itself
      if (responded || exchange.isResponseStarted()) {
        stream.failStart();
        return;
      }
      responded = true;
      streaming = true;
      stream.start(status, headers);
    });
    return stream;
  }

  @Override
  public void onAbort(Runnable callback) {
    onIoThread(() -> {
      if (responded && !streaming) return;
      ServerConnection connection = exchange.getConnection();
      AbortWatcher watcher = connection.getAttachment(ABORT);
      if (watcher == null) {
        AbortWatcher created = new AbortWatcher();
        connection.putAttachment(ABORT, created);
        connection.addCloseListener(c -> created.fire());
        watcher = created;
      }
      watcher.callbacks.put(this, callback);
      if (!responded) watchForPeerClose();
    });
  }

  /**
   * A held poll: Undertow reads nothing from a connection while its response is pending, so a
   * client that goes away is otherwise noticed only when the poll is answered, at the next ping,
   * and then only at the ping timeout. In HTTP/1.1 the connection of a held GET (no body) is
   * silent until the answer, so it is watched: end of file (or an error) closes the connection,
   * which fires the abort watch ("transport close"), as the reference server does when a poll's
   * socket ends. Bytes that do arrive (a pipelined request) are handed back to Undertow, as its
   * own decoders hand back bytes read past a body, and the watch stops: that client's departure is
   * again noticed at the ping timeout.
   */
  private void watchForPeerClose() {
    if (peerWatch != null) return;
    // Not HTTP/1.x (HTTP/2 tells of a closed stream itself), a body still unread, or bytes of a
    // next request already buffered: those bytes are Undertow's to read, not ours.
    if (!(exchange.getConnection() instanceof HttpServerConnection connection)) return;
    if (!exchange.isRequestComplete() || connection.getExtraBytes() != null) return;
    ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
    peerWatch = new PeerCloseWatch(connection, source, source.getReadListener());
    source.setReadListener(peerWatch);
    source.resumeReads();
  }

  private void stopPeerWatch() {
    PeerCloseWatch watch = peerWatch;
    peerWatch = null;
    if (watch != null) watch.stop();
  }

  /** Reads the silent connection of a held poll until it ends. I/O thread only. */
  private static final class PeerCloseWatch implements ChannelListener<ConduitStreamSourceChannel> {
    private final HttpServerConnection connection;
    private final ConduitStreamSourceChannel source;
    /** Undertow's read listener (reads suspended during a request), put back when the watch stops. */
    private final ChannelListener<? super ConduitStreamSourceChannel> undertows;
    /** I/O thread: the poll was answered, or the connection ended or carried bytes; no more reads. */
    private boolean stopped;

    PeerCloseWatch(HttpServerConnection connection, ConduitStreamSourceChannel source,
        ChannelListener<? super ConduitStreamSourceChannel> undertows) {
      this.connection = connection;
      this.source = source;
      this.undertows = undertows;
    }

    @Override
    public void handleEvent(ConduitStreamSourceChannel ch) {
      if (stopped) return;
      PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
      boolean handedBack = false;
      try {
        int n = ch.read(pooled.getBuffer());
        if (n == 0) return;
        stop();
        if (n < 0) {
          IoUtils.safeClose(connection); // the client is gone: fires the abort watch
          return;
        }
        pooled.getBuffer().flip();
        connection.ungetRequestBytes(pooled); // Undertow reads them once the poll is answered
        handedBack = true;
      } catch (IOException e) {
        stop();
        IoUtils.safeClose(connection);
      } finally {
        if (!handedBack) pooled.close();
      }
    }

    void stop() {
      if (stopped) return;
      stopped = true;
      source.suspendReads();
      source.setReadListener(undertows);
    }
  }

  /**
   * Runs this exchange's abort callback now, if it has one: a streamed response that failed. Over
   * HTTP/2 the connection lives on for the other streams, so its end would come too late (and keep
   * the callback, and the session it holds, until then). I/O thread only.
   */
  private void abortNow() {
    AbortWatcher watcher = exchange.getConnection().getAttachment(ABORT);
    Runnable callback = watcher == null ? null : watcher.callbacks.remove(this);
    if (callback != null) callback.run();
  }

  private void clearAbortWatch() {
    AbortWatcher watcher = exchange.getConnection().getAttachment(ABORT);
    if (watcher != null) watcher.callbacks.remove(this);
  }

  @Override
  public void acceptWebSocket(Map<String, String> headers, Function<WebSocketConnection, WebSocketListener> open) {
    onIoThread(() -> {
      responded = true;
      stopPeerWatch();
      headers.forEach((k, v) -> exchange.getResponseHeaders().put(HttpString.tryFromString(k), v));
      try {
        upgrade(open);
      } catch (Exception e) {
        exchange.setStatusCode(400);
        exchange.endExchange();
      }
    });
  }

  /**
   * What Undertow's WebSocketProtocolHandshakeHandler does, with the shared {@link #UPGRADE}
   * listener in place of its per-request one: a request that is not a WebSocket handshake of a
   * known version is answered 404, as that handler answers.
   */
  private void upgrade(Function<WebSocketConnection, WebSocketListener> open) throws Exception {
    if (!exchange.getRequestMethod().equals(Methods.GET)) {
      ResponseCodeHandler.HANDLE_404.handleRequest(exchange);
      return;
    }
    AsyncWebSocketHttpServerExchange facade = new AsyncWebSocketHttpServerExchange(exchange, NO_PEERS);
    for (Handshake handshake : deflateThreshold < 0 ? HANDSHAKES : deflateHandshakes(deflateThreshold)) {
      if (handshake.matches(facade)) {
        exchange.putAttachment(WS_OPEN, new WebSocketOpen(handshake, maxPayload, open));
        exchange.upgradeChannel(UPGRADE);
        handshake.handshake(facade);
        return;
      }
    }
    ResponseCodeHandler.HANDLE_404.handleRequest(exchange);
  }

  /**
   * The handshakes offering permessage-deflate: made per upgrade, since Undertow keeps the offered
   * extensions on the handshake (small, and garbage once the channel is made).
   */
  private static List<Handshake> deflateHandshakes(int threshold) {
    List<Handshake> list = List.of(new Hybi13Handshake(), new Hybi08Handshake(), new Hybi07Handshake());
    for (Handshake h : list) h.addExtension(new PerMessageDeflate(threshold));
    return list;
  }

  private void onIoThread(Runnable task) {
    if (exchange.getIoThread() == Thread.currentThread()) task.run();
    else exchange.getIoThread().execute(task);
  }

  /** The engine's side of an upgrade, handed from acceptWebSocket to the shared handshake handler. */
  private record WebSocketOpen(
      Handshake handshake, long maxPayload, Function<WebSocketConnection, WebSocketListener> open) {}

  /**
   * The abort callbacks of the exchanges held on a connection: at most one over HTTP/1.x, one per
   * open stream over HTTP/2 (a stream the client resets while its poll is held is noticed when the
   * answer is written or at the ping timeout; the connection's end fires them all). Touched on the
   * connection's I/O thread only.
   */
  private static final class AbortWatcher {
    final Map<UndertowExchange, Runnable> callbacks = new HashMap<>();

    void fire() {
      List<Runnable> due = new ArrayList<>(callbacks.values());
      callbacks.clear();
      for (Runnable cb : due) cb.run();
    }
  }
}
