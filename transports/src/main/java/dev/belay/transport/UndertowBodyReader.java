package dev.belay.transport;

import dev.belay.binding.HttpExchange;
import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Reads a request body on the exchange's I/O thread without blocking, and counts it: a body
 * (chunked, or of a declared length) is read only up to {@code maxBytes + 1} bytes, so a body over
 * the limit is reported as too large while the connection is still there to carry the answer.
 *
 * <p>Why not Undertow's {@code Receiver}: with a chunked body it can only learn the size from
 * Undertow's entity-size limit (MAX_ENTITY_SIZE), and when that trips the chunked decoder closes
 * the connection on the spot, so the client never hears the 413. Undertow's own limit is therefore
 * lifted for this exchange ({@code setMaxEntitySize(0)}, and {@link #liftChunkedLimit}) and this
 * reader is the limit; the application's MAX_ENTITY_SIZE does not apply to Belay's path.
 *
 * <p>After a too-large body has been answered, {@link #discardRest} reads and drops what the
 * client still sends, up to a bound, so that the client (still writing its body) reads the answer
 * instead of a connection reset; Undertow then closes the connection (the exchange is not
 * persistent, the answer said {@code Connection: close}).
 *
 * <p>A client that sends nothing of its body for {@code idleMillis} (one byte now and then, or
 * nothing) has its connection closed and the listener is told {@code onError}: a slow body must
 * not hold a connection and a session's one POST slot forever.
 *
 * <p>Every field is touched on the exchange's I/O thread only.
 */
final class UndertowBodyReader implements ChannelListener<StreamSourceChannel> {
  /** Most bytes dropped after a too-large answer before the connection is cut (Tomcat's maxSwallowSize). */
  static final long DISCARD_LIMIT = 2L * 1024 * 1024;
  /** Longest wait for the rest of a too-large body before the connection is cut. */
  static final long DISCARD_MILLIS = 5_000;
  /**
   * Largest declared body read straight into an array of its size, allocated before it arrives;
   * a larger one is collected as it arrives, so that a client that declares a big body and sends
   * nothing holds no big array.
   */
  private static final int EXACT_MAX = 16 * 1024;
  /** First size of the array that collects a body of unknown length that one read did not end. */
  private static final int INITIAL_COLLECT = 4096;

  private final HttpServerExchange exchange;
  private final StreamSourceChannel channel;
  private final int maxBytes;
  private final HttpExchange.BodyListener listener;
  /**
   * Told (before the listener) that the body was left unread, with the request channel if it was
   * taken (else null), so that the answer ends the connection and drops the rest of the body.
   */
  private final Consumer<StreamSourceChannel> leftUnread;
  /** The declared length of the body, or -1 (chunked). */
  private final long length;
  /** The whole body when its length was declared and small (read in place, no copy); else null. */
  private final byte[] declared;
  /** Otherwise: what has arrived so far, grown as needed; null until a read does not end the body. */
  private byte[] collected;
  /** Bytes of the body read so far. */
  private int size;
  /** One listener method has been called; nothing more is read for the body. */
  private boolean finished;
  /** Longest wait between two reads that bring bytes. */
  private final long idleMillis;
  /** When the last bytes of the body arrived (System.nanoTime). */
  private long lastBytesAt = System.nanoTime();

  private UndertowBodyReader(HttpServerExchange exchange, StreamSourceChannel channel, int maxBytes, long length,
      long idleMillis, HttpExchange.BodyListener listener, Consumer<StreamSourceChannel> leftUnread) {
    this.exchange = exchange;
    this.idleMillis = idleMillis;
    this.channel = channel;
    this.maxBytes = maxBytes;
    this.listener = listener;
    this.leftUnread = leftUnread;
    this.length = length;
    this.declared = length >= 0 && length <= EXACT_MAX ? new byte[(int) length] : null;
  }

  /**
   * Reads the body of {@code exchange} (on its I/O thread) and calls exactly one of the listener's
   * methods, on the I/O thread. {@code leftUnread} is called first when the body is over the limit.
   */
  static void read(HttpServerExchange exchange, int maxBytes, long idleMillis, HttpExchange.BodyListener listener,
      Consumer<StreamSourceChannel> leftUnread) {
    long length = exchange.getRequestContentLength();
    if (length > maxBytes) { // known before a byte is read
      leftUnread.accept(null);
      listener.onTooLarge();
      return;
    }
    if (length == 0) {
      listener.onBody(new byte[0]);
      return;
    }
    if (!exchange.isRequestChannelAvailable()) {
      listener.onError(new IOException("the request body was already taken by another handler"));
      return;
    }
    exchange.setMaxEntitySize(0); // counted here, see the class comment
    if (length < 0) liftChunkedLimit(exchange);
    StreamSourceChannel channel = exchange.getRequestChannel();
    if (channel == null) {
      listener.onError(new IOException("the request body was already taken by another handler"));
      return;
    }
    UndertowBodyReader reader = new UndertowBodyReader(exchange, channel, maxBytes, length, idleMillis, listener, leftUnread);
    reader.handleEvent(channel); // most bodies are small and already here: no listener round trip
    if (!reader.finished) {
      channel.getReadSetter().set(reader);
      channel.resumeReads();
      reader.watchIdle(idleMillis);
    }
  }

  /** Checks, after {@code delayMillis}, that the body is still arriving; cuts it off if not. */
  private void watchIdle(long delayMillis) {
    exchange.getIoThread().executeAfter(() -> {
      if (finished) return;
      long idle = (System.nanoTime() - lastBytesAt) / 1_000_000;
      if (idle < idleMillis) {
        watchIdle(idleMillis - idle);
        return;
      }
      finish();
      IoUtils.safeClose(exchange.getConnection());
      listener.onError(new IOException("no byte of the request body for " + idleMillis + " ms"));
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Undertow 2.3 fixes a chunked body's limit (the server's MAX_ENTITY_SIZE) when it parses the
   * request head, before any handler runs, so {@code setMaxEntitySize} does not reach it; a body
   * that crosses it has its connection closed with no answer. So, while nothing of the body has
   * been read, its chunked decoder is replaced by an identical one made now, after
   * {@code setMaxEntitySize(0)}: without a limit (this reader is the limit). Where that is not
   * possible (another protocol, another Undertow), Undertow's decoder and limit stay.
   */
  private static void liftChunkedLimit(HttpServerExchange exchange) {
    if (CONDUIT_NEXT == null || !(exchange.getConnection() instanceof AbstractServerConnection connection)) return;
    ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
    if (source.getConduit().getClass() != ChunkedStreamSourceConduit.class) return;
    StreamSourceConduit below;
    try {
      below = (StreamSourceConduit) CONDUIT_NEXT.get(source.getConduit());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return;
    }
    // As Undertow's own finish listener (HttpTransferEncoding): the request ends with its last chunk.
    source.setConduit(new ChunkedStreamSourceConduit(below, exchange, chunked -> {
      if (!chunked.isFinished()) exchange.setPersistent(false);
      Connectors.terminateRequest(exchange);
    }));
  }

  /** AbstractConduit.next (protected, no getter): the conduit under Undertow's chunked decoder; null if out of reach. */
  private static final Field CONDUIT_NEXT = conduitNext();

  private static Field conduitNext() {
    try {
      Field next = AbstractConduit.class.getDeclaredField("next");
      next.setAccessible(true);
      return next;
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.getLogger(UndertowBodyReader.class.getName()).log(System.Logger.Level.WARNING,
          "cannot lift Undertow's limit on chunked bodies (" + e + "): a chunked POST over MAX_ENTITY_SIZE"
              + " will have its connection closed without a 413");
      return null;
    }
  }

  @Override
  public void handleEvent(StreamSourceChannel ch) {
    if (finished) return;
    try {
      if (declared != null) readDeclared();
      else readUntilEnd();
    } catch (IOException e) {
      // A body cut short or broken: nothing more can be said on this connection.
      finish();
      IoUtils.safeClose(exchange.getConnection());
      listener.onError(e);
    }
  }

  private void readDeclared() throws IOException {
    ByteBuffer target = ByteBuffer.wrap(declared, size, declared.length - size);
    while (target.hasRemaining()) {
      int n = channel.read(target);
      if (n == 0) return; // the read listener calls again
      if (n < 0) throw new IOException("the client closed the connection in the middle of the body");
      size += n;
      lastBytesAt = System.nanoTime();
    }
    finish();
    listener.onBody(declared);
  }

  /**
   * Reads into one pooled buffer until the body ends, so that a body that fits in it (nearly every
   * POST) is copied once, to its exact size; only a longer body, or one that arrives in several
   * reads, is collected in a growing array.
   */
  private void readUntilEnd() throws IOException {
    PooledByteBuffer pooled = exchange.getConnection().getByteBufferPool().allocate();
    try {
      ByteBuffer buffer = pooled.getBuffer();
      buffer.clear();
      while (true) {
        if (!buffer.hasRemaining()) {
          buffer.flip();
          append(buffer);
          buffer.clear();
        }
        // Never more than one byte past the limit: that byte is enough to know the body is too large.
        long room = (long) maxBytes + 1 - size - buffer.position();
        buffer.limit((int) Math.min(buffer.capacity(), buffer.position() + room));
        int n = channel.read(buffer);
        if (n > 0) {
          lastBytesAt = System.nanoTime();
          if (size + buffer.position() > maxBytes) {
            finish();
            leftUnread.accept(channel);
            listener.onTooLarge();
            return;
          }
          continue;
        }
        buffer.flip();
        if (n == 0) { // the rest has not arrived: keep this part (the buffer goes back to the pool)
          append(buffer);
          return; // the read listener calls again
        }
        byte[] body;
        if (collected == null) {
          body = new byte[buffer.remaining()];
          buffer.get(body);
        } else {
          append(buffer);
          body = size == collected.length ? collected : Arrays.copyOf(collected, size);
        }
        finish();
        listener.onBody(body);
        return;
      }
    } finally {
      pooled.close();
    }
  }

  private void append(ByteBuffer data) {
    int n = data.remaining();
    if (n == 0) return;
    if (collected == null) { // the declared length if known (then no copy at the end)
      collected = new byte[(int) Math.max(length >= 0 ? length : Math.min(INITIAL_COLLECT, maxBytes + 1), n)];
    }
    if (size + n > collected.length) {
      int grown = (int) Math.min((long) maxBytes + 1, Math.max((long) collected.length * 2, (long) size + n));
      collected = Arrays.copyOf(collected, grown);
    }
    data.get(collected, size, n);
    size += n;
  }

  private void finish() {
    finished = true;
    channel.getReadSetter().set(null);
    channel.suspendReads();
  }

  /**
   * After a too-large body has been answered: reads and drops the rest of the body, so that the
   * client reads the answer rather than a reset, and so that Undertow sees the request end and
   * closes the connection cleanly. A client that sends more than {@link #DISCARD_LIMIT} or takes
   * longer than {@link #DISCARD_MILLIS} is cut off. {@code channel} is the request channel if the
   * reader took it, else null. I/O thread only.
   */
  static void discardRest(HttpServerExchange exchange, StreamSourceChannel channel) {
    if (exchange.isRequestComplete()) return; // nothing left: Undertow ends the exchange and closes
    if (channel == null) {
      exchange.setMaxEntitySize(0); // Undertow's limit would cut the connection on the first read
      channel = exchange.getRequestChannel();
    }
    if (channel == null) { // taken by someone else: cannot drain, so cut
      IoUtils.safeClose(exchange.getConnection());
      return;
    }
    new Discarder(exchange, channel).start();
  }

  /** Drops the rest of a too-large body. Created and used on the I/O thread only. */
  private static final class Discarder implements ChannelListener<StreamSourceChannel> {
    private final HttpServerExchange exchange;
    private final StreamSourceChannel channel;
    /** Cuts the connection if the rest of the body takes longer than {@link #DISCARD_MILLIS}. */
    private final XnioExecutor.Key deadline;
    /** I/O thread: bytes dropped so far. */
    private long dropped;
    /** I/O thread: the body ended or the connection was cut; nothing more is read. */
    private boolean done;

    Discarder(HttpServerExchange exchange, StreamSourceChannel channel) {
      this.exchange = exchange;
      this.channel = channel;
      this.deadline = exchange.getIoThread().executeAfter(this::cut, DISCARD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void start() {
      channel.getReadSetter().set(this);
      handleEvent(channel);
      if (!done) channel.resumeReads();
    }

    @Override
    public void handleEvent(StreamSourceChannel ch) {
      if (done) return;
      PooledByteBuffer pooled = exchange.getConnection().getByteBufferPool().allocate();
      try {
        ByteBuffer buffer = pooled.getBuffer();
        while (true) {
          buffer.clear();
          int n = ch.read(buffer);
          if (n == 0) return; // called again when more arrives
          if (n < 0) { // the body ended: Undertow completes the exchange and closes the connection
            stop();
            return;
          }
          dropped += n;
          if (dropped > DISCARD_LIMIT) {
            cut();
            return;
          }
        }
      } catch (IOException e) {
        cut(); // a broken body: nothing more to say on this connection
      } finally {
        pooled.close();
      }
    }

    private void stop() {
      done = true;
      deadline.remove();
      channel.getReadSetter().set(null);
      channel.suspendReads();
    }

    private void cut() {
      if (!done) stop();
      IoUtils.safeClose(exchange.getConnection());
    }
  }
}
