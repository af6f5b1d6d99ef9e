package dev.belay.parser;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte budget shared by the decoders of many connections: the attachments of binary packets that
 * are still incomplete count against it, so that connections which announce attachments and never
 * send them all cannot hold the whole heap between them. A decoder that cannot reserve room for a
 * frame fails with {@link SocketParseException.Problem#ATTACHMENT_BUDGET_EXHAUSTED}; the others go on.
 *
 * <pre>{@code
 * AttachmentBudget budget = new AttachmentBudget(100_000_000); // 100 MB for the whole server
 * SocketDecoder decoder = new SocketDecoder(10, 10_000_000, budget);
 * }</pre>
 *
 * <p>Thread-safe: decoders on any number of threads reserve and release concurrently.
 */
public final class AttachmentBudget {
  private final long limit;
  // Bytes reserved by decoders now; any thread, compare-and-set.
  private final AtomicLong held = new AtomicLong();

  /** @param limit the most bytes all incomplete binary packets may hold together */
  public AttachmentBudget(long limit) {
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    this.limit = limit;
  }

  /** A budget that never runs out (each decoder's own per-packet limit still applies). */
  public static AttachmentBudget unlimited() {
    return new AttachmentBudget(Long.MAX_VALUE);
  }

  /** Reserves {@code bytes} if they fit under the limit; returns whether they did. */
  public boolean tryReserve(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative");
    while (true) {
      long now = held.get();
      if (bytes > limit - now) return false;
      if (held.compareAndSet(now, now + bytes)) return true;
    }
  }

  /** Gives back bytes reserved earlier. */
  public void release(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative");
    held.addAndGet(-bytes);
  }

  /** Bytes held now by incomplete binary packets. */
  public long held() {
    return held.get();
  }

  /** The most bytes incomplete binary packets may hold together. */
  public long limit() {
    return limit;
  }
}
