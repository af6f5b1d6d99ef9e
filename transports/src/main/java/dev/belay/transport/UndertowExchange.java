package dev.belay.transport;

import dev.belay.engine.HttpExchange;
import dev.belay.engine.TransportRequest;
import dev.belay.engine.WebSocketConnection;
import dev.belay.engine.WebSocketListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link HttpExchange} over Undertow. Every operation on the exchange runs on the exchange's own
 * I/O thread (hopping there when called from elsewhere), which is how Undertow wants an exchange
 * used across threads; nothing here blocks.
 */
final class UndertowExchange implements HttpExchange {
  /** One abort watcher per connection: keep-alive connections carry many polls, listeners must not pile up. */
  private static final AttachmentKey<AbortWatcher> ABORT = AttachmentKey.create(AbortWatcher.class);

  private final HttpServerExchange exchange;
  private final UndertowRequest request;
  private final int maxPayload;
  /** Set on the I/O thread when a response has started; later respond calls are ignored. */
  private boolean responded;
  /** Set on the I/O thread when a streamed response started; it may still be aborted until it ends. */
  private boolean streaming;

  UndertowExchange(HttpServerExchange exchange, int maxPayload) {
    this.exchange = exchange;
    this.request = new UndertowRequest(exchange);
    this.maxPayload = maxPayload;
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
    onIoThread(() -> {
      long declared = exchange.getRequestContentLength();
      if (declared > maxBytes) {
        listener.onTooLarge();
        return;
      }
      exchange.setMaxEntitySize(maxBytes);
      exchange.getRequestReceiver().setMaxBufferSize(maxBytes);
      exchange.getRequestReceiver().receiveFullBytes(
          (ex, bytes) -> {
            keepOpen(ex);
            listener.onBody(bytes);
          },
          (ex, error) -> {
            keepOpen(ex);
            if (error instanceof RequestTooBigException) listener.onTooLarge();
            else listener.onError(error);
          });
    });
  }

  @Override
  public void respond(int status, Map<String, String> headers, byte[] body) {
    onIoThread(() -> {
      if (responded || exchange.isResponseStarted()) return;
      responded = true;
      clearAbortWatch();
      exchange.setStatusCode(status);
      headers.forEach((k, v) -> exchange.getResponseHeaders().put(HttpString.tryFromString(k), v));
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    });
  }

  @Override
  public ResponseStream stream(int status, Map<String, String> headers) {
    UndertowResponseStream stream = new UndertowResponseStream(exchange, this::clearAbortWatch);
    onIoThread(() -> {
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
      watcher.callback = callback;
    });
  }

  private void clearAbortWatch() {
    AbortWatcher watcher = exchange.getConnection().getAttachment(ABORT);
    if (watcher != null) watcher.callback = null;
  }

  @Override
  public void acceptWebSocket(Map<String, String> headers, Function<WebSocketConnection, WebSocketListener> open) {
    onIoThread(() -> {
      responded = true;
      headers.forEach((k, v) -> exchange.getResponseHeaders().put(HttpString.tryFromString(k), v));
      WebSocketConnectionCallback callback =
          (wsExchange, channel) -> UndertowWebSocket.open(channel, maxPayload, open);
      WebSocketProtocolHandshakeHandler handshake = new WebSocketProtocolHandshakeHandler(callback);
      try {
        handshake.handleRequest(exchange);
      } catch (Exception e) {
        exchange.setStatusCode(400);
        exchange.endExchange();
      }
    });
  }

  /**
   * A body that arrives after the handler returned is delivered through Undertow's root-handler
   * path, which ends the exchange (an empty 200) when the callback returns undispatched. The
   * engine answers later, from its lane, so the exchange is marked dispatched here.
   */
  private static void keepOpen(HttpServerExchange ex) {
    if (!ex.isDispatched()) ex.dispatch(SameThreadExecutor.INSTANCE, () -> {}); // outside a call: runs the no-op at once
  }

  private void onIoThread(Runnable task) {
    if (exchange.getIoThread() == Thread.currentThread()) task.run();
    else exchange.getIoThread().execute(task);
  }

  /** The abort callback of the exchange currently held on a connection. I/O thread only. */
  private static final class AbortWatcher {
    Runnable callback;

    void fire() {
      Runnable cb = callback;
      callback = null;
      if (cb != null) cb.run();
    }
  }
}
