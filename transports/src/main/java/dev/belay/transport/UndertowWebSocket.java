package dev.belay.transport;

import dev.belay.binding.IoThread;
import dev.belay.binding.WebSocketConnection;
import dev.belay.binding.WebSocketListener;
import dev.belay.binding.WriteCallback;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;
import org.xnio.IoUtils;
import org.xnio.Pooled;

/**
 * {@link WebSocketConnection} over an Undertow {@link WebSocketChannel}, and the receive side that
 * feeds a {@link WebSocketListener}. Messages over maxPayload close the socket with 1009 (Undertow
 * enforces the buffer limit); invalid UTF-8 in a text frame closes it with 1007.
 */
final class UndertowWebSocket implements WebSocketConnection {
  private final WebSocketChannel channel;
  /** The I/O thread of the channel, shared with the other connections it serves. Final. */
  private final UndertowIoThread ioThread;

  private UndertowWebSocket(WebSocketChannel channel) {
    this.channel = channel;
    this.ioThread = UndertowIoThread.of(channel.getIoThread());
  }

  static void open(WebSocketChannel channel, long maxPayload, Function<WebSocketConnection, WebSocketListener> open) {
    UndertowWebSocket connection = new UndertowWebSocket(channel);
    Receiver receiver = new Receiver(open.apply(connection), maxPayload);
    channel.addCloseTask(ch -> receiver.onChannelClosed());
    channel.getReceiveSetter().set(receiver);
    channel.resumeReceives();
  }

  @Override
  public void sendText(byte[] utf8, WriteCallback done) {
    PerMessageDeflate.sending(utf8.length, () -> WebSockets.sendText(ByteBuffer.wrap(utf8), channel, callback(done)));
  }

  @Override
  public void sendBinary(byte[] data, WriteCallback done) {
    PerMessageDeflate.sending(data.length, () -> WebSockets.sendBinary(ByteBuffer.wrap(data), channel, callback(done)));
  }

  @Override
  public IoThread ioThread() {
    return ioThread;
  }

  /**
   * Queues the close frame behind the frames already queued. A client that has not taken them all
   * and answered the close within {@link #CLOSE_GRACE_MILLIS} (one that stopped reading) has its
   * connection cut, so that what was queued for it is freed.
   */
  @Override
  public void close(int code, String reason) {
    if (!channel.isOpen() || channel.isCloseFrameSent()) return;
    WebSockets.sendClose(code, reason, channel, null);
    try {
      channel.getIoThread().executeAfter(() -> {
        if (channel.isOpen()) IoUtils.safeClose(channel);
      }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The server is stopping and its I/O thread takes no more timers: cut the connection now.
      IoUtils.safeClose(channel);
    }
  }

  /** How long a closed WebSocket may take to deliver what was queued and finish the close handshake. */
  static final long CLOSE_GRACE_MILLIS = 5_000;

  private static WebSocketCallback<Void> callback(WriteCallback done) {
    return new WebSocketCallback<>() {
      @Override
      public void complete(WebSocketChannel ch, Void context) {
        done.done(null);
      }

      @Override
      public void onError(WebSocketChannel ch, Void context, Throwable error) {
        done.done(error);
      }
    };
  }

  /**
   * The receive side of one connection, with its close bookkeeping folded in (one object per
   * WebSocket instead of a listener, a flag and two one-element arrays: idle connections stay small).
   */
  private static final class Receiver extends AbstractReceiveListener {
    private static final AtomicIntegerFieldUpdater<Receiver> CLOSE_REPORTED =
        AtomicIntegerFieldUpdater.newUpdater(Receiver.class, "closeReported");

    private final WebSocketListener listener;
    private final long maxPayload;
    /** The peer's close frame, kept for the close report: written on the I/O thread, read by the close task after. */
    private int closeCode = 1005;
    private String closeReason = "";
    /** 1 once onClose or onError was reported; any thread (the first reporter wins). */
    private volatile int closeReported;

    Receiver(WebSocketListener listener, long maxPayload) {
      this.listener = listener;
      this.maxPayload = maxPayload;
    }

    private boolean reportClose() {
      return CLOSE_REPORTED.compareAndSet(this, 0, 1);
    }

    void onChannelClosed() {
      if (reportClose()) listener.onClose(closeCode, closeReason);
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
      listener.onText(message.getData());
    }

    @Override
    protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
      Pooled<ByteBuffer[]> data = message.getData();
      try {
        ByteBuffer[] buffers = data.getResource();
        int size = 0;
        for (ByteBuffer b : buffers) size += b.remaining();
        byte[] bytes = new byte[size];
        int offset = 0;
        for (ByteBuffer b : buffers) {
          int n = b.remaining();
          b.get(bytes, offset, n);
          offset += n;
        }
        listener.onBinary(bytes);
      } finally {
        data.free();
      }
    }

    @Override
    protected void onCloseMessage(CloseMessage cm, WebSocketChannel ch) {
      closeCode = cm.getCode();
      closeReason = cm.getReason() == null ? "" : cm.getReason();
    }

    @Override
    protected void onError(WebSocketChannel ch, Throwable error) {
      // Report before super closes the channel, or the close task would report a plain close.
      // (An oversized message lands here, after Undertow has sent 1009 to the client.)
      if (reportClose()) listener.onError(error);
      super.onError(ch, error);
    }

    @Override
    protected long getMaxTextBufferSize() {
      return maxPayload;
    }

    @Override
    protected long getMaxBinaryBufferSize() {
      return maxPayload;
    }
  }
}
