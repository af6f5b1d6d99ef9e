package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.AckCallback;
import dev.belay.ConnectionStateRecovery;
import dev.belay.RemoteSocket;
import dev.belay.adapter.LocalNamespace;
import dev.belay.adapter.LocalSocket;
import dev.belay.adapter.SessionToPersist;
import dev.belay.adapter.SocketDetails;
import dev.belay.cluster.redis.RedisSessionStore.StoredSession;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.engine.EngineScheduler;
import dev.belay.parser.EncodedPacket;
import dev.belay.testing.FakeScheduler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sessions of live sockets kept in a real Redis: written once per burst of room changes,
 * rewritten by the refresh, deleted when the socket leaves unless another node took them, and
 * replaced by the persist of an unexpected disconnect that follows the delete.
 */
class LiveSessionsTest {
  private static final Duration MAX = Duration.ofSeconds(30);

  private final FakeScheduler clock = new FakeScheduler();
  private final Map<String, FakeSocket> sockets = new ConcurrentHashMap<>();
  private RedisServer redis;
  private RedisClient client;
  private RedisStreamsTransport transport;
  private StatefulRedisConnection<String, String> probeConnection;
  private RedisCommands<String, String> probe;
  private LiveSessions live;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    client = RedisClient.create(redis.uri());
    transport = new RedisStreamsTransport(client, RedisStreamsOptions.defaults());
    probeConnection = client.connect();
    probe = probeConnection.sync();
    live = new LiveSessions(new FakeNamespace(), transport.commands(), RedisStreamsOptions.defaults(), MAX);
    probe.configResetstat();
  }

  @AfterEach
  void stop() {
    live.close();
    probeConnection.close();
    transport.close();
    client.shutdown();
    redis.close();
  }

  @Test
  void aBurstOfRoomChangesIsOneWriteOfTheSessionAsItIsThen() {
    FakeSocket socket = connect("s1", "p1", List.of("s1"));
    live.changed("s1");
    socket.session = session("s1", "p1", List.of("s1", "a"));
    live.changed("s1");
    socket.session = session("s1", "p1", List.of("s1", "a", "b"));
    live.changed("s1");
    clock.advance(LiveSessions.COALESCE);

    until(() -> probe.exists("sio:session:p1") == 1, "the live session written");
    StoredSession stored = stored("p1");
    assertEquals(List.of("s1", "a", "b"), stored.rooms());
    assertEquals(Map.of("name", "ada"), stored.data());
    assertEquals(1, setCalls(), "one write for the burst");
    long ttl = probe.pttl("sio:session:p1");
    assertTrue(ttl > MAX.toMillis() && ttl <= MAX.plus(MAX.dividedBy(3)).toMillis(),
        "the window plus one refresh interval: " + ttl);
  }

  @Test
  void theRefreshRewritesEveryRecordEvenOneRedisLost() {
    connect("s1", "p1", List.of("s1"));
    connect("s2", "p2", List.of("s2"));
    live.changed("s1");
    live.changed("s2");
    clock.advance(LiveSessions.COALESCE);
    until(() -> probe.exists("sio:session:p1", "sio:session:p2") == 2, "both written");
    probe.del("sio:session:p2"); // as after a restart of Redis

    clock.advance(MAX.dividedBy(3));
    until(() -> probe.exists("sio:session:p2") == 1, "rewritten by the refresh");
    until(() -> setCalls() == 4, "two writes, then two refreshes");
    assertEquals(List.of("s2"), stored("p2").rooms());
  }

  @Test
  void whileRedisIsAwayNothingPilesUpAndTheFirstRefreshAfterWritesWhatChanged() {
    FakeSocket socket = connect("s1", "p1", List.of("s1"));
    redis.stop();
    until(() -> !transport.commands().isOpen(), "the commands connection sees Redis gone");
    live.changed("s1");
    socket.session = session("s1", "p1", List.of("s1", "during"));
    clock.advance(LiveSessions.COALESCE);
    clock.advance(MAX.dividedBy(3)); // a refresh while Redis is away sends nothing either

    redis.restart();
    probeConnection.close();
    probeConnection = client.connect();
    probe = probeConnection.sync();
    until(() -> transport.commands().isOpen(), "the commands connection back");
    clock.advance(MAX.dividedBy(3));
    until(() -> probe.exists("sio:session:p1") == 1, "written by the first refresh after Redis came back");
    assertEquals(List.of("s1", "during"), stored("p1").rooms());
    transport.commands().sync().ping();
    assertEquals(1, setCalls(), "one write: nothing was queued for Redis while it was away");
  }

  @Test
  void leavingDeletesTheRecordAndAPersistThatFollowsReplacesIt() {
    connect("s1", "p1", List.of("s1", "a"));
    connect("s2", "p2", List.of("s2", "a"));
    live.changed("s1");
    live.changed("s2");
    clock.advance(LiveSessions.COALESCE);
    until(() -> probe.exists("sio:session:p1", "sio:session:p2") == 2, "both written");

    live.left("s1"); // on purpose: nothing follows
    live.left("s2"); // unexpected: the adapter's persist follows at once, on the same connection
    RedisSessionStore.on(transport).persist(new StoredSession("s2", "p2", List.of("s2", "a", "last"), Map.of(), List.of()), MAX);

    until(() -> probe.exists("sio:session:p1") == 0, "deleted");
    // One read: between an EXISTS and a GET the live record's delete may land before the persist.
    until(() -> roomsOf("p2").contains("last"), "the persisted session");
    assertEquals(0, live.size());
    clock.advance(MAX.dividedBy(3));
    assertEquals(List.of("s2", "a", "last"), stored("p2").rooms(), "not refreshed over by the live record");
  }

  @Test
  void leavingKeepsARecordAnotherNodeWrote() {
    connect("s1", "p1", List.of("s1"));
    live.changed("s1");
    clock.advance(LiveSessions.COALESCE);
    until(() -> probe.exists("sio:session:p1") == 1, "written");
    String theirs = RedisSessionStore.encode(new StoredSession("s1", "p1", List.of("s1", "elsewhere"), Map.of(), List.of()));
    probe.set("sio:session:p1", theirs); // the client came back on another node, which keeps it now

    live.left("s1");
    transport.commands().sync().ping(); // answered after the delete attempt, sent before it on that connection
    assertEquals(theirs, probe.get("sio:session:p1"), "still theirs");
  }

  @Test
  void aSocketNoLongerConnectedIsForgottenUnwritten() {
    FakeSocket socket = connect("s1", "p1", List.of("s1"));
    live.changed("s1");
    socket.session = null; // disconnected before the write
    clock.advance(LiveSessions.COALESCE);
    assertEquals(0, live.size());
    probe.ping();
    assertNull(probe.get("sio:session:p1"));
    assertEquals(0, setCalls());
  }

  /** Waits (up to 10 s) for what Redis shows after asynchronous writes. */
  private static void until(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plusSeconds(10);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("not reached within 10 s: " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private FakeSocket connect(String sid, String pid, List<String> rooms) {
    FakeSocket socket = new FakeSocket(sid);
    socket.session = session(sid, pid, rooms);
    sockets.put(sid, socket);
    return socket;
  }

  private static SessionToPersist session(String sid, String pid, List<String> rooms) {
    return new SessionToPersist(sid, pid, rooms, Map.of("name", "ada"));
  }

  /** The rooms stored for {@code pid} in one read, empty when there is no record. */
  private List<String> roomsOf(String pid) {
    String value = probe.get("sio:session:" + pid);
    return value == null ? List.of() : decode(value).rooms();
  }

  private StoredSession stored(String pid) {
    return decode(probe.get("sio:session:" + pid));
  }

  private static StoredSession decode(String value) {
    try {
      return RedisSessionStore.decode(value);
    } catch (ClusterWireException e) {
      throw new AssertionError(e);
    }
  }

  private long setCalls() {
    for (String line : probe.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_set:calls=")) return Long.parseLong(line.substring(18, line.indexOf(',')));
    }
    return 0;
  }

  /** A connected socket whose session the test sets; null once it is gone. */
  private static final class FakeSocket implements LocalSocket {
    private final String id;
    // Set by the test thread, read by the scheduler (the test's own thread here).
    volatile SessionToPersist session;

    FakeSocket(String id) {
      this.id = id;
    }

    @Override public String id() { return id; }
    @Override public void write(EncodedPacket packet, boolean isVolatile) {}
    @Override public boolean writeWithAck(EncodedPacket packet, long ackId, AckCallback onAck) { return false; }
    @Override public void forgetAck(long ackId) {}
    @Override public RemoteSocket socket() { return null; }
    @Override public SessionToPersist session() { return session; }
  }

  private final class FakeNamespace implements LocalNamespace {
    @Override public String name() { return "/"; }
    @Override public LocalSocket socket(String id) { return sockets.get(id); }
    @Override public long nextAckId() { return 0; }
    @Override public EngineScheduler scheduler() { return clock; }
    @Override public Executor workers() { return Runnable::run; }
    @Override public ConnectionStateRecovery recovery() { return ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(MAX); }
    @Override public void onServerSideEmit(List<Object> eventData, Consumer<Object> reply) {}
    @Override public RemoteSocket remoteSocket(SocketDetails details) { return null; }
  }
}
