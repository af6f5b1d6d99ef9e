package dev.belay.examples;

import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The chat's second tick: counts the {@code received} receipts of a message against the people who
 * were in its room when it was sent, and says when the last of them has it. Each message is
 * forgotten once complete, after {@code window}, or when more than {@code maxPending} messages are
 * waiting (oldest first), so memory stays bounded whoever never answers.
 *
 * <p>The recipients may become known after some receipts (a cluster-wide lookup answers later than
 * a local client); receipts from anyone else are ignored.
 *
 * <pre>{@code
 * DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(2), 10_000, System::nanoTime);
 * receipts.sent("m1", senderId);
 * receipts.recipients("m1", Set.of("a", "b"));    // null: nobody has it yet
 * receipts.received("m1", "a");                   // null
 * String sender = receipts.received("m1", "b");   // senderId: tell them it is delivered
 * }</pre>
 *
 * <p>Threading: every method is synchronized; callers may be any thread.
 */
final class DeliveryReceipts {
  private final long windowNanos;
  private final int maxPending;
  private final LongSupplier nanoClock;
  // message id -> what it waits for, oldest first; guarded by this.
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();

  DeliveryReceipts(Duration window, int maxPending, LongSupplier nanoClock) {
    if (maxPending < 1) throw new IllegalArgumentException("maxPending must be at least 1");
    this.windowNanos = window.toNanos();
    this.maxPending = maxPending;
    this.nanoClock = nanoClock;
  }

  /** A message went out from {@code senderId}; its recipients follow in {@link #recipients}. */
  synchronized void sent(String messageId, String senderId) {
    forgetExpired();
    if (pending.size() >= maxPending) {
      Iterator<String> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    pending.put(messageId, new Pending(senderId, nanoClock.getAsLong()));
  }

  /**
   * Who should get the message (the sender excluded). Returns the sender's id when every one of
   * them already has it, else null; nobody to deliver to is never "delivered".
   */
  synchronized String recipients(String messageId, Set<String> recipientIds) {
    Pending p = pending.get(messageId);
    if (p == null) return null;
    if (recipientIds.isEmpty()) {
      pending.remove(messageId);
      return null;
    }
    p.expected = Set.copyOf(recipientIds);
    p.received.retainAll(p.expected);
    return completeIfDone(messageId, p);
  }

  /** {@code recipientId} has the message. Returns the sender's id when it was the last, else null. */
  synchronized String received(String messageId, String recipientId) {
    Pending p = pending.get(messageId);
    if (p == null || (p.expected != null && !p.expected.contains(recipientId))) return null;
    p.received.add(recipientId);
    return completeIfDone(messageId, p);
  }

  /** How many messages are waiting for receipts. */
  synchronized int pending() {
    forgetExpired();
    return pending.size();
  }

  private String completeIfDone(String messageId, Pending p) {
    if (p.expected == null || p.received.size() < p.expected.size()) return null;
    pending.remove(messageId);
    return p.sender;
  }

  private void forgetExpired() {
    long now = nanoClock.getAsLong();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      if (now - it.next().sentAt < windowNanos) return; // insertion order: the rest is younger
      it.remove();
    }
  }

  /** One message's state; guarded by the enclosing instance. */
  private static final class Pending {
    final String sender;
    final long sentAt;
    // Null until the recipients are known.
    Set<String> expected;
    // Before the recipients are known it may hold anyone; trimmed to them once known.
    final Set<String> received = new HashSet<>(4);

    Pending(String sender, long sentAt) {
      this.sender = sender;
      this.sentAt = sentAt;
    }
  }
}
