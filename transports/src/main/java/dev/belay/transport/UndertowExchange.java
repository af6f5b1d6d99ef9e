package dev.belay.transport;

import dev.belay.engine.HttpExchange;
import dev.belay.engine.TransportRequest;
import dev.belay.engine.WebSocketConnection;
import dev.belay.engine.WebSocketListener;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Function;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;

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
  /**
   * Set on the I/O thread when the request body was over the limit and left (partly) unread: the
   * answer then ends the connection.
   */
  private boolean bodyLeftUnread;
  /** I/O thread: the request channel the body reader took before it stopped, or null if none. */
  private StreamSourceChannel unreadChannel;

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
    onIoThread(() -> UndertowBodyReader.read(exchange, maxBytes, listener, channel -> {
      // The answer (413) goes out with the body unread: it says Connection: close, and the rest
      // of the body is dropped once it has gone out (see respond).
      bodyLeftUnread = true;
      unreadChannel = channel;
      exchange.setPersistent(false);
    }));
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
