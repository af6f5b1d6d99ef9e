package dev.belay.transport;

import dev.belay.binding.HttpExchange;
import dev.belay.binding.WriteCallback;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * A streamed response body on Undertow's sink channel: each chunk is written and flushed at once,
 * with no thread blocked; a slow client makes chunks wait in a queue, not a thread. A chunk's
 * callback runs once it has been flushed to the socket. Writes and the close take effect in the
 * order they were called, from whichever threads. All fields but {@code waiting} are touched on the
 * exchange's I/O thread only.
 */
final class UndertowResponseStream implements HttpExchange.ResponseStream {
  private final HttpServerExchange exchange;
  /** Run once when the response ends, normally or not (clears the abort watch). */
  private final Runnable onEnd;
  /** Run when the stream fails: the exchange's abort callback, at once. */
  private final Runnable onFail;
  private final String coding;
  private final boolean vary;
  /** I/O thread only: the stream's framing (created at start; no deflater of its own), or null when not compressed. */
  private HttpCompression.StreamEncoder encoder;
  private StreamSinkChannel channel;
  /** Chunks not yet fully written to the channel. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Callbacks of chunks written to the channel and waiting for the flush. */
  private final ArrayDeque<WriteCallback> written = new ArrayDeque<>();
  /** Scratch list for re-encoding chunks queued before the start; I/O thread only, always empty after. */
  private final ArrayDeque<Pending> replaced = new ArrayDeque<>();
  private boolean closing;
  private boolean closed;
  /** pump() is running; a nested call (from a callback) only asks it to go round again. */
  private boolean pumping;
  private boolean again;

  /** Calls handed to the I/O thread and not run yet (any thread). */
  private final AtomicInteger waiting = new AtomicInteger();

  private record Pending(ByteBuffer buffer, WriteCallback done) {}

  UndertowResponseStream(HttpServerExchange exchange, Runnable onEnd, Runnable onFail) {
    this(exchange, onEnd, onFail, null, false);
  }

  /**
   * @param coding the content coding of the whole stream (gzip or deflate), or null for none; each
   *     chunk is flushed through the compressor on its own, so it is never held back
   * @param vary whether the answer depends on Accept-Encoding (compression is on)
   */
  UndertowResponseStream(HttpServerExchange exchange, Runnable onEnd, Runnable onFail, String coding, boolean vary) {
    this.exchange = exchange;
    this.coding = coding;
    this.vary = vary;
    this.onEnd = onEnd;
    this.onFail = onFail;
  }

  void start(int status, Map<String, String> headers) {
    exchange.setStatusCode(status);
    headers.forEach((k, v) -> exchange.getResponseHeaders().put(HttpString.tryFromString(k), v));
    if (vary) HttpCompression.addVaryAcceptEncoding(exchange.getResponseHeaders());
    if (coding != null) {
      exchange.getResponseHeaders().put(Headers.CONTENT_ENCODING, coding);
      encoder = new HttpCompression.StreamEncoder(coding);
      // Chunks queued before the start (hopping from another thread) are encoded now, in order.
      for (Pending p : queue) {
        byte[] plain = new byte[p.buffer.remaining()];
        p.buffer.get(plain);
        replaced.add(new Pending(ByteBuffer.wrap(encoder.encode(plain)), p.done));
      }
      queue.clear();
      queue.addAll(replaced);
      replaced.clear();
      if (closing) queue.add(new Pending(ByteBuffer.wrap(encoder.finish()), error -> { }));
    }
    channel = exchange.getResponseChannel();
    if (channel == null) {
      fail(new IOException("the response channel is already taken"));
      return;
    }
    channel.getWriteSetter().set(ch -> pump());
    // A stream is never reused for another request, and its end is the end of the connection.
    exchange.setPersistent(false);
    watchForPeerClose();
    pump(); // chunks queued before the start (hopping from another thread) go out now
  }

  /**
   * Undertow reads nothing from a connection while its response is in progress, so a client that
   * goes away is noticed only at the next write, which may be a heartbeat away. Reading the (silent)
   * connection notices the end of file at once; closing the connection then fires the abort watch.
   * A client must not send anything more on a stream's connection; whatever it sends is dropped.
   */
  private void watchForPeerClose() {
    if (!(exchange.getConnection() instanceof AbstractServerConnection connection)) return; // not HTTP/1.x: left to the protocol
    ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
    ByteBuffer scratch = ByteBuffer.allocate(512);
    source.getReadSetter().set(ch -> {
      try {
        while (true) {
          scratch.clear();
          int n = ch.read(scratch);
          if (n == 0) return;
          if (n < 0) {
            ch.suspendReads();
            fail(new IOException("the client closed the connection"));
            return;
          }
        }
      } catch (IOException e) {
        ch.suspendReads();
        fail(e);
      }
    });
    source.resumeReads();
  }

  /** The exchange had already answered: every write fails. */
  void failStart() {
    fail(new IOException("the response had already started"));
  }

  @Override
  public void write(byte[] chunk, WriteCallback done) {
    onIoThread(() -> {
      if (closed || closing) {
        done.done(new IOException("stream closed"));
        return;
      }
      queue.add(new Pending(ByteBuffer.wrap(encoder == null ? chunk : encoder.encode(chunk)), done));
      pump();
    });
  }

  @Override
  public void close() {
    onIoThread(() -> {
      if (closing || closed) return;
      closing = true;
      if (encoder != null) queue.add(new Pending(ByteBuffer.wrap(encoder.finish()), error -> { }));
      pump();
    });
  }

  private void pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        if (closed || channel == null) return;
        if (!pumpOnce()) return;
      } while (again);
    } finally {
      pumping = false;
    }
  }

  /** Writes and flushes what is queued; false when the socket is full (the write listener resumes). */
  private boolean pumpOnce() {
    try {
      while (!queue.isEmpty()) {
        Pending p = queue.peek();
        channel.write(p.buffer);
        if (p.buffer.hasRemaining()) {
          channel.resumeWrites();
          return false;
        }
        queue.poll();
        written.add(p.done);
      }
      if (!channel.flush()) {
        channel.resumeWrites();
        return false;
      }
      channel.suspendWrites();
      for (WriteCallback cb; (cb = written.poll()) != null; ) cb.done(null);
      if (closing && queue.isEmpty() && !closed) finish();
      return true;
    } catch (IOException e) {
      fail(e);
      return false;
    }
  }

  private void finish() throws IOException {
    closed = true;
    onEnd.run();
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
    if (closed) return;
    closed = true;
    if (encoder != null) encoder.release();
    for (WriteCallback cb; (cb = written.poll()) != null; ) cb.done(e);
    for (Pending p; (p = queue.poll()) != null; ) p.done.done(e);
    // The engine sees the stream dropped. Over HTTP/1.x closing the connection would fire the
    // abort watch too; over HTTP/2 closing it resets this stream only, and the connection (shared
    // with other streams) does not end.
    onFail.run();
    IoUtils.safeClose(exchange.getConnection());
  }

  /**
   * Runs {@code task} on the I/O thread, in the order of the calls: inline when called there and
   * nothing handed over earlier is still waiting to run, else queued behind what is (the I/O
   * thread runs its tasks in order). Otherwise a write made on the I/O thread would overtake a
   * write (or be cut by a close) that a worker made just before it.
   */
  private void onIoThread(Runnable task) {
    if (exchange.getIoThread() == Thread.currentThread() && waiting.get() == 0) {
      task.run();
      return;
    }
    waiting.incrementAndGet();
    exchange.getIoThread().execute(() -> {
      waiting.decrementAndGet();
      task.run();
    });
  }
}
