package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The chat's second tick: when the sender is told that everyone has the message, and when never. */
class DeliveryReceiptsTest {
  private final AtomicLong now = new AtomicLong();
  private final DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofSeconds(30), 3, now::get);

  @Test
  void theSenderIsToldOnceWhenTheLastRecipientHasIt() {
    receipts.sent("m1", "sender");
    assertNull(receipts.recipients("m1", Set.of("a", "b")));
    assertNull(receipts.received("m1", "a"));
    assertNull(receipts.received("m1", "a"));
    assertEquals("sender", receipts.received("m1", "b"));
    assertNull(receipts.received("m1", "b"));
    assertEquals(0, receipts.pending());
  }

  @Test
  void receiptsThatArriveBeforeTheRecipientsAreKnownCountOnlyForRecipients() {
    receipts.sent("m1", "sender");
    assertNull(receipts.received("m1", "a"));
    assertNull(receipts.received("m1", "stranger"));
    assertNull(receipts.recipients("m1", Set.of("a", "b")));
    assertEquals("sender", receipts.received("m1", "b"));

    receipts.sent("m2", "sender");
    assertNull(receipts.received("m2", "a"));
    assertEquals("sender", receipts.recipients("m2", Set.of("a")));
  }

  @Test
  void aMessageNobodyElseCouldGetIsNeverDeliveredAndForgotten() {
    receipts.sent("m1", "sender");
    assertNull(receipts.recipients("m1", Set.of()));
    assertNull(receipts.received("m1", "a"));
    assertEquals(0, receipts.pending());
  }

  @Test
  void unknownIdsAndStrangersAreIgnored() {
    assertNull(receipts.received("nope", "a"));
    assertNull(receipts.recipients("nope", Set.of("a")));
    receipts.sent("m1", "sender");
    receipts.recipients("m1", Set.of("a"));
    assertNull(receipts.received("m1", "stranger"));
    assertEquals(1, receipts.pending());
  }

  @Test
  void memoryIsBoundedByTheWindowAndTheCount() {
    receipts.sent("m1", "s");
    receipts.recipients("m1", Set.of("a"));
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    receipts.sent("m2", "s");
    receipts.recipients("m2", Set.of("a"));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(1, receipts.pending()); // m1 is 30 s old: forgotten
    assertNull(receipts.received("m1", "a"));

    receipts.sent("m3", "s");
    receipts.sent("m4", "s");
    receipts.sent("m5", "s"); // a fourth would be over 3: the oldest (m2) goes
    assertEquals(3, receipts.pending());
    assertNull(receipts.received("m2", "a"));
    receipts.recipients("m5", Set.of("a"));
    assertEquals("s", receipts.received("m5", "a"));
  }
}
