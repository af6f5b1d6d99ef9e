package dev.belay.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.ConnectionStateRecovery;
import dev.belay.parser.SocketPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-memory adapter with recovery on: offsets stamped on what is stored, and a restore that loses and reorders nothing. */
class SessionAwareAdapterTest {
  private final FakeNamespace namespace = new FakeNamespace(ConnectionStateRecovery.defaults());
  private final InMemoryAdapter adapter = new InMemoryAdapter(namespace);

  private static SocketPacket event(String name) {
    return SocketPacket.event("/", List.of(name), null);
  }

  private static BroadcastOptions to(String room) {
    return new BroadcastOptions(Set.of(room), Set.of(), BroadcastFlags.NONE);
  }

  /** The offset a packet text ends with: {@code 2["news","<offset>"]}. */
  private static String offsetOf(String text) {
    String[] parts = text.split("\"");
    return parts[parts.length - 2];
  }

  @Test
  void storedBroadcastsCarryTheirOffsetLastAndOthersNone() {
    FakeNamespace.RecordingSocket socket = namespace.connect("s1");
    adapter.addAll("s1", Set.of("s1"));
    adapter.broadcast(event("stored"), BroadcastOptions.ALL);
    adapter.broadcast(event("volatile"), BroadcastOptions.ALL.withFlags(BroadcastFlags.NONE.withVolatile(true)));
    adapter.broadcastWithAck(event("acked"), BroadcastOptions.ALL, count -> { }, (error, args) -> { });
    adapter.broadcast(event("stored-too"), BroadcastOptions.ALL);

    List<String> texts = socket.texts;
    assertTrue(texts.get(0).matches("2\\[\"stored\",\"[0-9a-f]{12}-0\"]"), texts.get(0));
    assertEquals("2[\"volatile\"]", texts.get(1));
    assertEquals("20[\"acked\"]", texts.get(2));
    assertTrue(texts.get(3).matches("2\\[\"stored-too\",\"[0-9a-f]{12}-1\"]"), texts.get(3));
    assertEquals(2, adapter.sessionStore().storedPackets());
  }

  @Test
  void withoutRecoveryNothingIsStamped() {
    FakeNamespace plain = new FakeNamespace(null);
    InMemoryAdapter off = new InMemoryAdapter(plain);
    FakeNamespace.RecordingSocket socket = plain.connect("s1");
    off.addAll("s1", Set.of("s1"));
    off.broadcast(event("news"), BroadcastOptions.ALL);
    assertEquals(List.of("2[\"news\"]"), socket.texts);
    assertEquals(RecoveryFailure.DISABLED, off.restoreSession("pid", "o").join().failure());
  }

  @Test
  void aRestoredSocketGetsMissedThenHeldThenLivePacketsInOrder() throws Exception {
    FakeNamespace.RecordingSocket before = namespace.connect("s1");
    adapter.addAll("s1", Set.of("s1", "room"));
    adapter.broadcast(event("seen"), to("room"));
    String lastSeen = offsetOf(before.texts.get(0));
    adapter.persistSession(new SessionToPersist("s1", "pid-1", List.of("s1", "room"), Map.of()));
    adapter.delAll("s1");
    adapter.broadcast(event("missed"), to("room"));

    RestoreResult result = adapter.restoreSession("pid-1", lastSeen).get(1, TimeUnit.SECONDS);
    assertTrue(result.restored());
    assertEquals(1, result.session().missedPackets().size());
    assertEquals("missed", result.session().missedPackets().get(0).get(0));

    // Broadcast between the restore and the socket's first join: held, not lost.
    adapter.broadcast(event("between"), to("room"));
    FakeNamespace.RecordingSocket after = new FakeNamespace.RecordingSocket("s1");
    List<String> seen = after.texts;
    seen.add("(replayed missed packets)");
    namespace.register(after); // the socket layer registers the restored socket, replays, then joins
    adapter.addAll("s1", Set.of("s1"));
    adapter.broadcast(event("live"), to("room"));

    List<String> names = new ArrayList<>();
    for (String text : seen) names.add(text.startsWith("2") ? text.substring(3, text.indexOf('"', 3)) : text);
    assertEquals(List.of("(replayed missed packets)", "between", "live"), names);
  }

  /**
   * A log-based cluster adapter restores from its log, which may run ahead of what this node has
   * delivered live: a packet the replay carried and the node delivers only after the socket
   * joined is not written twice; the first one past the replay is.
   */
  @Test
  void aPacketTheReplayCarriedIsNotWrittenAgainWhenItArrivesLiveAfterTheJoin() {
    adapter.startHolding("s1", List.of("s1", "room"));
    adapter.replayedUpTo("s1", "1700000000200-0");
    FakeNamespace.RecordingSocket restored = new FakeNamespace.RecordingSocket("s1");
    namespace.register(restored);
    adapter.addAll("s1", Set.of("s1")); // after the replay of everything up to ...200-0

    adapter.broadcastLocally(event("replayed"), to("room"), "1700000000200-0");
    adapter.broadcastLocally(event("next"), to("room"), "1700000000201-0");
    adapter.broadcastLocally(event("after"), to("room"), "1700000000202-0");

    List<String> names = new ArrayList<>();
    for (String text : restored.texts) names.add(text.substring(3, text.indexOf('"', 3)));
    assertEquals(List.of("next", "after"), names);
  }
}
