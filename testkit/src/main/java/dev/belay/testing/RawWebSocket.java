package dev.belay.testing;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A JDK WebSocket that collects whole messages (String or byte[]) in a queue, and records its close.
 */
public final class RawWebSocket implements WebSocket.Listener {
  public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
  /** Completes with the close code when the server closes or the connection drops (-1 on error). */
  public final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private WebSocket socket;
  private StringBuilder text = new StringBuilder();
  private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

  /** Connects; fails the test if the handshake fails. */
  public static RawWebSocket connect(String url) {
    RawWebSocket listener = new RawWebSocket();
    listener.socket = Await.get(RawHttp.CLIENT.newWebSocketBuilder().buildAsync(URI.create(url), listener),
        "websocket to " + url);
    return listener;
  }

  /** Tries to connect; completes exceptionally when the server refuses the handshake. */
  public static CompletableFuture<WebSocket> tryConnect(String url, RawWebSocket listener) {
    return RawHttp.CLIENT.newWebSocketBuilder().buildAsync(URI.create(url), listener)
        .thenApply(ws -> listener.socket = ws);
  }

  public RawWebSocket sendText(String s) {
    Await.get(socket.sendText(s, true), "sending " + s);
    return this;
  }

  public RawWebSocket sendBinary(byte[] b) {
    Await.get(socket.sendBinary(ByteBuffer.wrap(b), true), "sending binary");
    return this;
  }

  /** Sends a binary frame and waits for it to go out; returns false if the connection failed first. */
  public boolean trySendBinary(byte[] b) {
    try {
      socket.sendBinary(ByteBuffer.wrap(b), true).get(Await.SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out sending binary");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Object next() {
    return Await.take(messages, "a websocket message");
  }

  public String nextText() {
    Object m = next();
    if (!(m instanceof String s)) throw new AssertionError("expected text, got binary");
    return s;
  }

  /** The next message that is not a ping; pings are answered with pongs as a client must. */
  public Object nextSkippingPings() {
    while (true) {
      Object m = next();
      if ("2".equals(m)) {
        sendText("3");
        continue;
      }
      return m;
    }
  }

  public void abort() {
    socket.abort();
  }

  public void close() {
    socket.sendClose(1000, "");
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      messages.add(text.toString());
      text = new StringBuilder();
    }
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    binary.writeBytes(chunk);
    if (last) {
      messages.add(binary.toByteArray());
      binary = new java.io.ByteArrayOutputStream();
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }
}
