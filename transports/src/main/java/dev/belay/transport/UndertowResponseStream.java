package dev.belay.transport;

import dev.belay.engine.HttpExchange;
import dev.belay.engine.WriteCallback;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * A streamed response body on Undertow's sink channel: each chunk is written and flushed at once,
 * with no thread blocked; a slow client makes chunks wait in a queue, not a thread. All fields are
 * touched on the exchange's I/O thread only.
 */
final class UndertowResponseStream implements HttpExchange.ResponseStream {
  private final HttpServerExchange exchange;
  private StreamSinkChannel channel;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean closing;
  private boolean closed;

  private record Pending(ByteBuffer buffer, WriteCallback done) {}

  UndertowResponseStream(HttpServerExchange exchange) {
    this.exchange = exchange;
  }

  void start(int status, Map<String, String> headers) {
    exchange.setStatusCode(status);
    headers.forEach((k, v) -> exchange.getResponseHeaders().put(HttpString.tryFromString(k), v));
    channel = exchange.getResponseChannel();
    channel.getWriteSetter().set(ch -> pump());
  }

  @Override
  public void write(byte[] chunk, WriteCallback done) {
    onIoThread(() -> {
      if (closed || closing) {
        done.done(new IOException("stream closed"));
        return;
      }
      queue.add(new Pending(ByteBuffer.wrap(chunk), done));
      pump();
    });
  }

  @Override
  public void close() {
    onIoThread(() -> {
      if (closing || closed) return;
      closing = true;
      pump();
    });
  }

  private void pump() {
    if (closed || channel == null) return;
    try {
      while (!queue.isEmpty()) {
        Pending p = queue.peek();
        channel.write(p.buffer);
        if (p.buffer.hasRemaining()) {
          channel.resumeWrites();
          return;
        }
        queue.poll();
        p.done.done(null);
      }
      if (!channel.flush()) {
        channel.resumeWrites();
        return;
      }
      channel.suspendWrites();
      if (closing) finish();
    } catch (IOException e) {
      fail(e);
    }
  }

  private void finish() throws IOException {
    closed = true;
    channel.shutdownWrites();
    if (!channel.flush()) {
      channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(
          ch -> exchange.endExchange(), (ch, e) -> IoUtils.safeClose(exchange.getConnection())));
      channel.resumeWrites();
    } else {
      exchange.endExchange();
    }
  }

  private void fail(IOException e) {
    closed = true;
    for (Pending p; (p = queue.poll()) != null; ) p.done.done(e);
    IoUtils.safeClose(exchange.getConnection());
  }

  private void onIoThread(Runnable task) {
    if (exchange.getIoThread() == Thread.currentThread()) task.run();
    else exchange.getIoThread().execute(task);
  }
}
