package dev.belay.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A transfer a client sends to this server, handed to a {@link StreamListener}. Read it once,
 * either as an {@link #inputStream()} (blocking, off the socket's lane) or as a
 * {@link #publisher()} (one subscriber, driven by its demand). The client may send only as much
 * as was read plus one window, so a slow reader slows the sender instead of filling the heap.
 *
 * <pre>{@code
 * socket.onStream("upload", (meta, in) -> {
 *   in.publisher().subscribe(fileWriter);        // or: executor.execute(() -> copy(in.inputStream()))
 *   in.completion().thenAccept(size -> socket.emit("stored", size));
 * });
 * }</pre>
 *
 * <p>The data ends (-1, {@code onComplete}) and {@link #completion()} succeeds only once every
 * announced byte arrived and the SHA-256 the client sent matches; a transfer aborted, cut off
 * without recovery, or corrupted fails instead. Thread-safe.
 */
public final class InboundStream {
  private enum State { OPEN, VERIFIED, FAILED }

  private final SocketStreams owner;
  private final String id;
  private final String name;
  private final Object meta;
  private final int window;
  private final int maxChunk;
  private final CompletableFuture<Long> completion = new CompletableFuture<>();
  // Everything below is guarded by this.
  private State state = State.OPEN;
  private String failure;
  private long received;
  private long consumed;
  private long granted; // the limit last sent to the client
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // received, not yet read
  private int headPos; // bytes of the queue's head already read through the InputStream
  private final MessageDigest sha = OutboundStream.sha256();
  private boolean taken; // inputStream() or publisher() was asked for
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private boolean draining;
  private boolean terminated; // the subscriber got onComplete or onError

  InboundStream(SocketStreams owner, String id, String name, Object meta, int window, int maxChunk) {
    this.owner = owner;
    this.id = id;
    this.name = name;
    this.meta = meta;
    this.window = window;
    this.maxChunk = maxChunk;
  }

  public String id() { return id; }

  public String name() { return name; }

  /** The metadata the client opened the transfer with, as plain values (maps, lists, strings, numbers). */
  public Object meta() { return meta; }

  /** The metadata mapped to {@code type} through the server's JSON mapper. */
  public <T> T meta(Class<T> type) { return owner.fromPlain(meta, type); }

  /** Bytes received so far (progress). */
  public synchronized long received() { return received; }

  /** Bytes received and not yet read; never more than one window. */
  public synchronized long buffered() { return received - consumed; }

  /**
   * Completes with the size once every byte arrived and the checksum matched (possibly before the
   * reader has read them all); fails if the transfer is aborted, cut off or corrupted.
   */
  public CompletableFuture<Long> completion() { return completion; }

  /** Refuses the rest of the transfer and tells the client why. */
  public void abort(String reason) {
    if (fail("aborted by the receiver: " + reason)) owner.send("belay:abort", Map.of("id", id, "reason", String.valueOf(reason)));
  }

  /**
   * The data as a blocking stream: read returns -1 only after a verified end and throws an
   * {@link IOException} when the transfer failed. Closing it early aborts the transfer.
   */
  public synchronized InputStream inputStream() {
    if (taken) throw new IllegalStateException("the transfer is already being read");
    taken = true;
    return new Input();
  }

  /**
   * The data as a publisher of chunks for one subscriber; chunks are delivered on worker threads
   * as the subscriber requests them. {@code onComplete} only after a verified end.
   */
  public synchronized Flow.Publisher<ByteBuffer> publisher() {
    if (taken) throw new IllegalStateException("the transfer is already being read");
    taken = true;
    return this::subscribe;
  }

  // ---------------------------------------------------------------- from the socket layer (lane)

  void grantFirst() {
    synchronized (this) {
      granted = window;
    }
    owner.send("belay:credit", id, 0L, (long) window, 0);
  }

  /** Tells the client where it resumes from (after a reconnection, or an open sent again). */
  void sendResume() {
    long r;
    long g;
    synchronized (this) {
      if (state != State.OPEN) return;
      r = received;
      g = granted;
    }
    owner.send("belay:credit", id, r, g, 1);
  }

  void onChunk(long offset, byte[] data) {
    String problem = null;
    synchronized (this) {
      if (state != State.OPEN) return;
      if (data.length > maxChunk) {
        problem = "chunk of " + data.length + " bytes exceeds " + maxChunk;
      } else if (offset > received || offset + data.length <= received) {
        return; // a gap (lost with a connection; resent after the resume) or a duplicate
      } else {
        int skip = (int) (received - offset);
        int len = data.length - skip;
        if (received + len > granted) {
          problem = "the sender exceeded its credit";
        } else {
          byte[] part = skip == 0 ? data : java.util.Arrays.copyOfRange(data, skip, data.length);
          sha.update(part);
          queue.addLast(part);
          received += len;
          notifyAll();
        }
      }
    }
    if (problem != null) {
      if (fail(problem)) owner.send("belay:abort", Map.of("id", id, "reason", problem));
      return;
    }
    drainLater();
  }

  void onEnd(long size, String shaHex) {
    String problem = null;
    long total;
    synchronized (this) {
      if (state != State.OPEN) return;
      if (received < size) return; // the rest is resent after a reconnection, then the end again
      total = received;
      if (received > size) {
        problem = "received " + received + " bytes, the sender announced " + size;
      } else {
        String actual = HexFormat.of().formatHex(sha.digest());
        if (shaHex != null && !actual.equalsIgnoreCase(shaHex)) {
          problem = "SHA-256 mismatch: sender " + shaHex + ", received " + actual;
        } else {
          state = State.VERIFIED;
          notifyAll();
        }
      }
    }
    if (problem != null) {
      if (fail(problem)) owner.send("belay:abort", Map.of("id", id, "reason", problem));
      return;
    }
    owner.completed(this);
    owner.send("belay:done", Map.of("id", id));
    completion.complete(total);
    drainLater();
  }

  /** Fails the transfer; false if it had already finished. */
  boolean fail(String reason) {
    synchronized (this) {
      if (state != State.OPEN) return false;
      state = State.FAILED;
      failure = reason;
      queue.clear();
      notifyAll();
    }
    owner.finished(this);
    completion.completeExceptionally(new StreamException(reason));
    drainLater();
    return true;
  }

  private void consumed(int n) {
    long newLimit = -1;
    long r = 0;
    synchronized (this) {
      consumed += n;
      if (state == State.OPEN && consumed + window - granted >= Math.max(1, window / 4)) {
        granted = consumed + window;
        newLimit = granted;
        r = received;
      }
    }
    if (newLimit >= 0) owner.send("belay:credit", id, r, newLimit, 0);
  }

  // ---------------------------------------------------------------- the publisher

  private void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    synchronized (this) {
      if (subscriber != null) {
        s.onSubscribe(new Flow.Subscription() {
          public void request(long n) {}
          public void cancel() {}
        });
        s.onError(new IllegalStateException("one subscriber only"));
        return;
      }
      subscriber = s;
    }
    s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          abort("bad demand " + n);
          return;
        }
        synchronized (InboundStream.this) {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        drainLater();
      }

      @Override
      public void cancel() {
        abort("the subscriber cancelled");
      }
    });
  }

  private void drainLater() {
    synchronized (this) {
      if (subscriber == null || draining || terminated) return;
      boolean work = (demand > 0 && !queue.isEmpty()) || state == State.FAILED || (state == State.VERIFIED && queue.isEmpty());
      if (!work) return;
      draining = true;
    }
    owner.execute(this::drain);
  }

  private void drain() {
    while (true) {
      byte[] next = null;
      boolean complete = false;
      String error = null;
      Flow.Subscriber<? super ByteBuffer> s;
      synchronized (this) {
        s = subscriber;
        if (state == State.FAILED) {
          error = failure;
        } else if (demand > 0 && !queue.isEmpty()) {
          next = queue.pollFirst();
          demand--;
        } else if (state == State.VERIFIED && queue.isEmpty()) {
          complete = true;
        } else {
          draining = false;
          return;
        }
        if (error != null || complete) {
          terminated = true;
          draining = false;
        }
      }
      if (error != null) {
        s.onError(new StreamException(error));
        return;
      }
      if (complete) {
        s.onComplete();
        return;
      }
      s.onNext(ByteBuffer.wrap(next).asReadOnlyBuffer());
      consumed(next.length);
    }
  }

  // ---------------------------------------------------------------- the input stream

  private final class Input extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      int n;
      synchronized (InboundStream.this) {
        while (queue.isEmpty() && state == State.OPEN) {
          try {
            InboundStream.this.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
          }
        }
        if (state == State.FAILED) throw new IOException(failure);
        if (queue.isEmpty()) return -1;
        byte[] head = queue.peekFirst();
        n = Math.min(len, head.length - headPos);
        System.arraycopy(head, headPos, b, off, n);
        headPos += n;
        if (headPos == head.length) {
          queue.pollFirst();
          headPos = 0;
        }
      }
      consumed(n);
      return n;
    }

    @Override
    public void close() {
      synchronized (InboundStream.this) {
        if (state != State.OPEN) return;
      }
      abort("the reader closed the stream");
    }
  }

  @Override
  public String toString() {
    return "InboundStream[" + id + " " + name + "]";
  }
}
