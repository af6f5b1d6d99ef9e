package dev.belay.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.ConnectionStateRecovery;
import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-memory recovery store on a fake clock: bounds, expiry, one restore per pid, and which packets count as missed. */
class SessionStoreTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final ConnectionStateRecovery recovery =
      ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)).withMaxStoredPackets(1_000);
  private final SessionStore store = new SessionStore(recovery, clock);

  private static BroadcastOptions to(Set<String> rooms, Set<String> except) {
    return new BroadcastOptions(rooms, except, BroadcastFlags.NONE);
  }

  private void append(String offset, String event, BroadcastOptions options) {
    store.append(offset, List.of(event, offset), options);
  }

  private SessionToPersist session(String pid, String... rooms) {
    return new SessionToPersist("sid-1", pid, List.of(rooms), Map.of("name", "ada"));
  }

  @Test
  void missedPacketsAreThoseAfterTheOffsetThatTheRoomsWouldHaveReceived() {
    append("o1", "seen", BroadcastOptions.ALL);
    store.persist(session("pid-1", "sid-1", "red"));
    append("o2", "to-all", BroadcastOptions.ALL);
    append("o3", "to-red", to(Set.of("red"), Set.of()));
    append("o4", "to-blue", to(Set.of("blue"), Set.of()));
    append("o5", "all-but-red", to(Set.of(), Set.of("red")));
    append("o6", "to-me", to(Set.of("sid-1"), Set.of()));

    RestoreResult result = store.restore("pid-1", "o1");

    assertTrue(result.restored(), String.valueOf(result.failure()));
    Session session = result.session();
    assertEquals("sid-1", session.sid());
    assertEquals("pid-1", session.pid());
    assertEquals(List.of("sid-1", "red"), session.rooms());
    assertEquals(Map.of("name", "ada"), session.data());
    assertEquals(List.of(List.of("to-all", "o2"), List.of("to-red", "o3"), List.of("to-me", "o6")), session.missedPackets());
  }

  @Test
  void aPidRestoresOnceAndAnUnknownOneNever() {
    append("o1", "seen", BroadcastOptions.ALL);
    store.persist(session("pid-1", "sid-1"));
    assertTrue(store.restore("pid-1", "o1").restored());
    assertEquals(RecoveryFailure.UNKNOWN, store.restore("pid-1", "o1").failure(), "consumed");
    assertEquals(RecoveryFailure.UNKNOWN, store.restore("forged", "o1").failure());
    assertEquals(RecoveryFailure.UNKNOWN, store.restore(null, "o1").failure());
  }

  @Test
  void aSessionExpiresAfterMaxDisconnectionDuration() {
    append("o1", "seen", BroadcastOptions.ALL);
    store.persist(session("late", "sid-1"));
    store.persist(session("very-late", "sid-1"));
    clock.advance(Duration.ofSeconds(30).plusMillis(1));
    assertEquals(RecoveryFailure.EXPIRED, store.restore("late", "o1").failure());
    clock.advance(Duration.ofSeconds(31));
    assertEquals(RecoveryFailure.UNKNOWN, store.restore("very-late", "o1").failure(), "evicted by then");
    assertEquals(0, store.storedSessions());
  }

  @Test
  void theStoreKeepsAtMostMaxStoredPacketsAndSaysWhenTooManyWereMissed() {
    append("first", "seen", BroadcastOptions.ALL);
    store.persist(session("pid-1", "sid-1"));
    for (int i = 0; i < 100_000; i++) {
      append("p" + i, "tick", BroadcastOptions.ALL);
      assertTrue(store.storedPackets() <= 1_000);
    }
    assertEquals(1_000, store.storedPackets());
    assertEquals(RecoveryFailure.TOO_MANY_MISSED_PACKETS, store.restore("pid-1", "first").failure());
  }

  @Test
  void packetsOlderThanMaxDisconnectionDurationAreDropped() {
    append("old", "old", BroadcastOptions.ALL);
    clock.advance(Duration.ofSeconds(31));
    store.persist(session("pid-1", "sid-1"));
    append("new", "new", BroadcastOptions.ALL);
    assertEquals(1, store.storedPackets());
    // The client's offset aged out before it left, and nothing was pushed out by the cap: every
    // stored packet is one it missed.
    RestoreResult result = store.restore("pid-1", "old");
    assertEquals(List.of(List.of("new", "new")), result.session().missedPackets());
  }

  @Test
  void aClientThatGotNothingYetGetsEverythingStoredAfterItsSessionsResumePoint() {
    append("o0", "before", BroadcastOptions.ALL);
    store.persist(new SessionToPersist("sid-1", "pid-1", List.of("sid-1"), Map.of(), "o0"));
    append("o1", "hello", to(Set.of("sid-1"), Set.of()));
    RestoreResult result = store.restore("pid-1", null);
    assertEquals(List.of(List.of("hello", "o1")), result.session().missedPackets());
    assertEquals("o0", result.session().resumePoint(), "kept for a client that still gets nothing before its next drop");
  }

  @Test
  void anEmptyResumePointIsTheStartOfTheStore() {
    store.persist(new SessionToPersist("sid-1", "pid-1", List.of("sid-1"), Map.of(), ""));
    append("o1", "hello", to(Set.of("sid-1"), Set.of()));
    assertEquals(List.of(List.of("hello", "o1")), store.restore("pid-1", null).session().missedPackets());
  }

  @Test
  void aClientWithoutOffsetCannotResumeASessionWithoutResumePoint() {
    store.persist(session("pid-1", "sid-1"));
    append("o1", "hello", to(Set.of("sid-1"), Set.of()));
    assertEquals(RecoveryFailure.UNKNOWN, store.restore("pid-1", null).failure());
  }
}
