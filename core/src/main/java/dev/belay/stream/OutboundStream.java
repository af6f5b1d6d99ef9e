package dev.belay.stream;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A transfer this server sends to a client, opened with {@code socket.stream(name, meta)}. Data
 * goes out in chunks only as far as the client's credit allows: {@link #write} completes when all
 * of its bytes are on their way, so awaiting it before the next write is the backpressure (a
 * second write while one waits fails). {@link #end} completes once the client has every byte and
 * the SHA-256 of the whole transfer matched.
 *
 * <pre>{@code
 * OutboundStream out = socket.stream("export", Map.of("file", "report.csv"));
 * CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
 * for (byte[] block : blocks) chain = chain.thenCompose(v -> out.write(block));
 * chain.thenCompose(v -> out.end()).thenAccept(total -> log.info("sent " + total + " bytes"));
 * }</pre>
 *
 * <p>With connection state recovery on, a transfer survives a reconnection: it resends from the
 * last byte the client acknowledged (at most one window). Without it, a lost connection fails it.
 * Thread-safe; futures complete on whichever thread gave the credit.
 */
public final class OutboundStream {
  private enum State { OPEN, DONE, FAILED }

  private record Chunk(long offset, byte[] data) {}

  private final SocketStreams owner;
  private final String id;
  private final String name;
  private final Object meta;
  private final int chunkBytes;
  private final int window;
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  // Everything below is guarded by this.
  private State state = State.OPEN;
  private boolean accepted;
  private boolean suspended;
  private boolean ended;
  private boolean endSent;
  private long taken; // bytes taken from writes so far (the transfer's size once ended)
  private long sent; // next offset to send; below taken only while resending
  private long acked; // bytes the client confirmed receiving
  private long limit; // the client's credit: offsets below it may be sent
  private long bytesSent; // chunk bytes sent, resends included
  private final ArrayDeque<Chunk> resend = new ArrayDeque<>(); // sent, not yet acknowledged
  private byte[] pending; // the waiting write's data, from pendingPos
  private int pendingPos;
  private CompletableFuture<Void> pendingFuture;
  private final MessageDigest sha;
  private String shaHex;

  OutboundStream(SocketStreams owner, String id, String name, Object meta, int chunkBytes, int window) {
    this.owner = owner;
    this.id = id;
    this.name = name;
    this.meta = meta;
    this.chunkBytes = chunkBytes;
    this.window = window;
    this.sha = sha256();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String id() { return id; }

  public String name() { return name; }

  /** Bytes written so far. */
  public synchronized long written() { return taken; }

  /** Chunk bytes sent so far, resends after reconnections included (the cost of the transfer). */
  public synchronized long bytesSent() { return bytesSent; }

  /** Bytes the client confirmed receiving (progress). */
  public synchronized long acknowledged() { return acked; }

  /**
   * Sends {@code data}; completes when all of it has gone out within the client's credit. Do not
   * change the array until then. Fails if the transfer failed or another write is still waiting.
   */
  public CompletionStage<Void> write(byte[] data) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (state != State.OPEN || ended) {
        f.completeExceptionally(failureOr("the transfer is " + (ended ? "ended" : "closed")));
        return f;
      }
      if (pending != null) {
        f.completeExceptionally(new IllegalStateException("a write is still waiting for credit"));
        return f;
      }
      pending = data;
      pendingPos = 0;
      pendingFuture = f;
    }
    pump();
    return f;
  }

  /** Same as {@link #write(byte[])} for the buffer's remaining bytes (copied). */
  public CompletionStage<Void> write(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.get(copy);
    return write(copy);
  }

  /**
   * Ends the transfer after the bytes written; completes with its size once the client has all of
   * them and the SHA-256 matched, or fails.
   */
  public CompletableFuture<Long> end() {
    synchronized (this) {
      if (state == State.OPEN) ended = true;
    }
    pump();
    return done;
  }

  /** Completes with the size when the client confirmed the whole transfer; fails otherwise. */
  public CompletableFuture<Long> completion() {
    return done;
  }

  /** Stops the transfer and tells the client why. */
  public void abort(String reason) {
    if (fail("aborted: " + reason)) owner.send("belay:abort", Map.of("id", id, "reason", String.valueOf(reason)));
  }

  private Throwable failureOr(String text) {
    if (done.isCompletedExceptionally()) {
      try {
        done.join();
      } catch (RuntimeException e) {
        return e.getCause() != null ? e.getCause() : e;
      }
    }
    return new StreamException(text);
  }

  // ---------------------------------------------------------------- from the socket layer

  void sendOpen() {
    Map<String, Object> open = new LinkedHashMap<>();
    open.put("id", id);
    open.put("name", name);
    open.put("meta", meta);
    owner.send("belay:stream", open);
  }

  /** The client's credit: it has {@code received} bytes and allows offsets below {@code newLimit}. */
  void onCredit(long received, long newLimit, boolean resume) {
    synchronized (this) {
      if (state != State.OPEN) return;
      received = Math.min(Math.max(received, 0), taken);
      if (received > acked || resume) acked = Math.max(received, resume ? received : acked);
      while (!resend.isEmpty()) {
        Chunk c = resend.peekFirst();
        if (c.offset + c.data.length <= acked) {
          resend.pollFirst();
        } else if (c.offset < acked) {
          resend.pollFirst();
          resend.addFirst(new Chunk(acked, Arrays.copyOfRange(c.data, (int) (acked - c.offset), c.data.length)));
          break;
        } else {
          break;
        }
      }
      limit = Math.max(resume ? 0 : limit, Math.min(newLimit, acked + window));
      if (resume || !accepted) {
        accepted = true;
        suspended = false;
        sent = acked;
        endSent = false;
      }
    }
    pump();
  }

  void onDone() {
    long size;
    synchronized (this) {
      if (state != State.OPEN || !endSent) return;
      state = State.DONE;
      size = taken;
      acked = taken; // the client verified every byte
      resend.clear();
    }
    owner.finished(this);
    done.complete(size);
  }

  /** The connection is gone; with recovery the transfer waits for the client to come back. */
  synchronized void suspend() {
    suspended = true;
  }

  /** The client came back (recovered): ask where to go on from, or open again if never accepted. */
  void resume() {
    boolean wasAccepted;
    synchronized (this) {
      if (state != State.OPEN) return;
      wasAccepted = accepted;
    }
    if (wasAccepted) owner.send("belay:resume", Map.of("id", id));
    else sendOpen();
  }

  /** Fails the transfer with {@code reason}; false if it had already finished. */
  boolean fail(String reason) {
    CompletableFuture<Void> f;
    synchronized (this) {
      if (state != State.OPEN) return false;
      state = State.FAILED;
      resend.clear();
      f = pendingFuture;
      pending = null;
      pendingFuture = null;
    }
    StreamException e = new StreamException(reason);
    owner.finished(this);
    done.completeExceptionally(e);
    if (f != null) f.completeExceptionally(e);
    return true;
  }

  private void pump() {
    CompletableFuture<Void> completed = null;
    synchronized (this) {
      if (state != State.OPEN || suspended || !accepted) return;
      while (sent < limit) {
        if (sent < taken) { // resending after a reconnection
          Chunk c = find(sent);
          if (c == null || c.offset + c.data.length > limit) break;
          if (!owner.send("belay:chunk", id, c.offset, c.data)) return;
          sent += c.data.length;
          bytesSent += c.data.length;
        } else if (pending != null) {
          int len = (int) Math.min(Math.min(chunkBytes, pending.length - pendingPos), limit - sent);
          byte[] data = Arrays.copyOfRange(pending, pendingPos, pendingPos + len);
          pendingPos += len;
          sha.update(data);
          resend.addLast(new Chunk(taken, data));
          taken += len;
          if (pendingPos == pending.length) {
            completed = pendingFuture;
            pending = null;
            pendingFuture = null;
          }
          if (!owner.send("belay:chunk", id, sent, data)) {
            sent = taken; // kept for the resend after a reconnection
            break;
          }
          sent = taken;
          bytesSent += len;
          if (completed != null) break;
        } else {
          break;
        }
      }
      if (pending != null && pending.length == 0) {
        completed = pendingFuture;
        pending = null;
        pendingFuture = null;
      }
      if (ended && pending == null && sent == taken && !endSent) {
        if (shaHex == null) shaHex = HexFormat.of().formatHex(sha.digest());
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("id", id);
        end.put("size", taken);
        end.put("sha256", shaHex);
        endSent = owner.send("belay:end", end);
      }
    }
    if (completed != null) completed.complete(null);
  }

  private Chunk find(long offset) {
    for (Iterator<Chunk> it = resend.iterator(); it.hasNext(); ) {
      Chunk c = it.next();
      if (c.offset == offset) return c;
    }
    return null;
  }

  @Override
  public String toString() {
    return "OutboundStream[" + id + " " + name + "]";
  }
}
