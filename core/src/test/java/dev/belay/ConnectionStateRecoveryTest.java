package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.adapter.InMemoryAdapter;
import dev.belay.adapter.RecoveryFailure;
import dev.belay.adapter.RestoreResult;
import dev.belay.engine.CloseReason;
import dev.belay.engine.EngineOptions;
import dev.belay.stream.InboundStream;
import dev.belay.testing.FakeScheduler;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery as a client sees it on the wire (Socket.IO 4.8's protocol): the pid in
 * the CONNECT reply, a CONNECT with pid and offset that takes the old socket back with what it
 * missed, the cases where it cannot (the gap signal), and the answers kept for acknowledged events
 * re-sent after a reconnection.
 */
class ConnectionStateRecoveryTest {
  private final FakeScheduler clock = new FakeScheduler();
  // Sockets as the connection listener saw them, in order; any thread.
  private final List<Socket> connected = new CopyOnWriteArrayList<>();

  private Server server(ConnectionStateRecovery recovery) {
    Server server = new Server(ServerOptions.builder()
        .connectionStateRecovery(recovery)
        .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build())
        .build());
    server.onConnection(connected::add);
    return server;
  }

  private Server server() {
    return server(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)));
  }

  /** A client connected to "/", its CONNECT reply read: {sid, pid}. */
  private static JsonObject connect(Server server, FakeEngineSocket conn, String auth) {
    server.attach(conn);
    conn.receive(auth == null ? "0" : "0" + auth);
    String reply = conn.texts().get(0);
    assertTrue(reply.startsWith("0{"), reply);
    return JsonParser.parseString(reply.substring(1)).getAsJsonObject();
  }

  /** The CONNECT of a client resuming the session {@code hello} answered, after {@code offset}. */
  private static String resumeConnect(JsonObject hello, String offset) {
    return "0{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}";
  }

  /** A new connection of a client that sends {@code connectPacket} on it at once. */
  private static FakeEngineSocket attempt(Server server, String connectPacket) {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    conn.receive(connectPacket);
    return conn;
  }

  private static String offsetOf(String eventText) {
    return eventText.substring(eventText.lastIndexOf(",\"") + 2, eventText.length() - 2);
  }

  @Test
  void theConnectReplyCarriesAPrivateIdOnlyWithRecoveryOn() {
    JsonObject on = connect(server(), new FakeEngineSocket(), null);
    assertEquals(List.of("sid", "pid"), List.copyOf(on.keySet()));
    assertNotEquals(on.get("sid").getAsString(), on.get("pid").getAsString(), "the pid is a secret, not the sid");
    assertTrue(on.get("pid").getAsString().length() >= 20, "unguessable: 120 random bits");

    JsonObject off = connect(server(null), new FakeEngineSocket(), null);
    assertEquals(List.of("sid"), List.copyOf(off.keySet()));
  }

  @Test
  void aClientThatDroppedTakesBackItsIdRoomsAndDataAndGetsWhatItMissedInOrder() {
    Server server = server();
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    Socket socket = connected.get(0);
    socket.join("news");
    socket.data().put("name", "ada");
    server.to("news").emit("headline", 1);
    String offset = offsetOf(first.lastText());

    first.close(CloseReason.TRANSPORT_CLOSE);
    server.to("news").emit("headline", 2);
    server.to(socket.id()).emit("direct", "for you");
    socket.emit("own", "sent while away");
    server.to("elsewhere").emit("not-for-it", 0);

    FakeEngineSocket second = new FakeEngineSocket();
    JsonObject back = connect(server, second,
        "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    server.to("news").emit("headline", 3);

    assertEquals(hello.get("sid"), back.get("sid"));
    assertEquals(hello.get("pid"), back.get("pid"), "the client sees recovered: same pid");
    Socket restored = connected.get(1);
    assertTrue(restored.recovered());
    assertNull(restored.recoveryFailure());
    assertEquals(socket.id(), restored.id());
    assertTrue(restored.rooms().contains("news"));
    assertEquals("ada", restored.data().get("name"));
    List<String> events = new ArrayList<>();
    for (String text : second.texts().subList(1, second.texts().size())) events.add(text.replaceAll(",\"[0-9a-f]{12}-\\d+\"]$", "]"));
    assertEquals(List.of("2[\"headline\",2]", "2[\"direct\",\"for you\"]", "2[\"own\",\"sent while away\"]",
        "2[\"headline\",3]"), events);
  }

  @Test
  void aRestoreThatRacesBroadcastsNeitherLosesNorRepeatsOne() {
    Server server = server();
    server.use((s, next) -> { next.proceed(); });
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    connected.get(0).join("all");
    server.to("all").emit("tick", 1);
    String offset = offsetOf(first.lastText());
    first.close(CloseReason.PING_TIMEOUT);
    server.to("all").emit("tick", 2);
    // A broadcast made from the connection listener: after the restore, before the own-room join.
    server.onConnection(s -> server.to("all").emit("tick", 3));

    FakeEngineSocket second = new FakeEngineSocket();
    connect(server, second, "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    server.to("all").emit("tick", 4);

    List<String> ticks = new ArrayList<>();
    for (String text : second.texts()) if (text.startsWith("2[\"tick\"")) ticks.add(text.substring(9, 10));
    assertEquals(List.of("2", "3", "4"), ticks);
  }

  @Test
  void theGapSignalSaysWhyRecoveryFailed() {
    Server server = server();
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    server.emit("x", 1);
    String offset = offsetOf(first.lastText());
    String pid = hello.get("pid").getAsString();

    // A forged pid, and the sid of a socket still connected given as its pid: nothing of it.
    connect(server, new FakeEngineSocket(), "{\"pid\":\"forged\",\"offset\":\"" + offset + "\"}");
    FakeEngineSocket thief = new FakeEngineSocket();
    JsonObject stolen = connect(server, thief, "{\"pid\":\"" + hello.get("sid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    assertNotEquals(hello.get("sid"), stolen.get("sid"));
    assertEquals(RecoveryFailure.UNKNOWN, connected.get(1).recoveryFailure());
    assertEquals(RecoveryFailure.UNKNOWN, connected.get(2).recoveryFailure());
    assertFalse(connected.get(2).recovered());
    assertTrue(first.isOpen(), "the socket whose sid was replayed is untouched");

    // Away longer than the window: expired.
    first.close(CloseReason.TRANSPORT_ERROR);
    clock.advance(Duration.ofSeconds(31));
    JsonObject late = connect(server, new FakeEngineSocket(), "{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
    assertNotEquals(hello.get("sid"), late.get("sid"));
    assertEquals(RecoveryFailure.EXPIRED, connected.get(3).recoveryFailure());
    assertNotEquals(pid, late.get("pid").getAsString(), "a fresh socket gets a fresh pid");
  }

  @Test
  void aClientBackWhileItsOldConnectionStillLooksOpenTakesItsSocketOver() {
    Server server = server();
    FakeEngineSocket halfOpen = new FakeEngineSocket();
    JsonObject hello = connect(server, halfOpen, null);
    connected.get(0).join("all");
    server.to("all").emit("tick", 1);
    String offset = offsetOf(halfOpen.lastText());
    server.to("all").emit("tick", 2); // lost on the half-open connection

    FakeEngineSocket fresh = new FakeEngineSocket();
    JsonObject back = connect(server, fresh, "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");

    assertEquals(hello.get("sid"), back.get("sid"));
    assertTrue(connected.get(1).recovered());
    assertFalse(halfOpen.isOpen(), "the old connection is closed");
    assertTrue(fresh.texts().get(1).startsWith("2[\"tick\",2,"), fresh.texts().toString());
    assertEquals(1, server.sockets().sockets().size());
  }

  @Test
  void aClientThatGotNoPacketYetResumesFromWhereItsSocketStarted() {
    Server server = server();
    server.emit("before", 0); // stored before the socket existed: never for it
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    connected.get(0).join("room");
    first.close(CloseReason.TRANSPORT_CLOSE); // before any packet reached it
    server.to("room").emit("missed", 1);

    FakeEngineSocket second = new FakeEngineSocket();
    JsonObject back = connect(server, second, "{\"pid\":\"" + hello.get("pid").getAsString() + "\"}");

    assertEquals(hello.get("sid"), back.get("sid"), "recovered with no offset (Socket.IO gives a fresh socket)");
    assertTrue(connected.get(1).recovered());
    assertEquals(2, second.texts().size(), second.texts().toString());
    assertTrue(second.texts().get(1).startsWith("2[\"missed\",1,"), second.texts().toString());
  }

  @Test
  void aWelcomeLostInFlightIsReplayedToAClientWithoutOffset() {
    Server server = server();
    server.onConnection(s -> { if (!s.recovered()) s.emit("welcome", "hi"); });
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null); // the welcome is written, but say it never arrived
    first.close(CloseReason.TRANSPORT_ERROR);

    FakeEngineSocket second = new FakeEngineSocket();
    connect(server, second, "{\"pid\":\"" + hello.get("pid").getAsString() + "\"}");
    assertTrue(second.texts().get(1).startsWith("2[\"welcome\",\"hi\","), second.texts().toString());
    assertEquals(2, second.texts().size(), "once: " + second.texts());
  }

  @Test
  void aForgedPidWithoutOffsetGetsAFreshSocket() {
    Server server = server();
    connect(server, new FakeEngineSocket(), "{\"pid\":\"forged\"}");
    assertEquals(RecoveryFailure.UNKNOWN, connected.get(0).recoveryFailure());
  }

  @Test
  void aSocketThatLeftOnPurposeIsNotKept() {
    Server server = server();
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    server.emit("x", 1);
    String offset = offsetOf(first.lastText());
    first.receive("1"); // the client's namespace DISCONNECT
    first.close(CloseReason.CLIENT_CLOSE);

    connect(server, new FakeEngineSocket(), "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    assertEquals(RecoveryFailure.UNKNOWN, connected.get(1).recoveryFailure());
  }

  @Test
  void tooManyMissedPacketsIsAGapAndTheStoreStaysWithinItsBound() {
    Server server = server(ConnectionStateRecovery.defaults().withMaxStoredPackets(1_000));
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    server.emit("x", 0);
    String offset = offsetOf(first.lastText());
    first.close(CloseReason.TRANSPORT_CLOSE);
    for (int i = 1; i <= 100_000; i++) server.emit("x", i);

    var store = ((dev.belay.adapter.InMemoryAdapter) server.sockets().adapter());
    assertEquals(1_000, storedPackets(store));
    connect(server, new FakeEngineSocket(), "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    assertEquals(RecoveryFailure.TOO_MANY_MISSED_PACKETS, connected.get(1).recoveryFailure());
  }

  private static int storedPackets(dev.belay.adapter.InMemoryAdapter adapter) {
    return adapter.sessionStore().storedPackets();
  }

  @Test
  void middlewareIsSkippedForARestoredSocketUnlessAskedNotTo() {
    for (boolean skip : new boolean[] {true, false}) {
      connected.clear();
      Server server = server(ConnectionStateRecovery.defaults().withSkipMiddlewares(skip));
      AtomicInteger runs = new AtomicInteger();
      server.use((s, next) -> { runs.incrementAndGet(); next.proceed(); });
      FakeEngineSocket first = new FakeEngineSocket();
      JsonObject hello = connect(server, first, null);
      server.emit("x", 1);
      String offset = offsetOf(first.lastText());
      first.close(CloseReason.TRANSPORT_CLOSE);
      connect(server, new FakeEngineSocket(), "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
      assertTrue(connected.get(1).recovered());
      assertEquals(skip ? 1 : 2, runs.get(), "skipMiddlewares " + skip);
    }
  }

  @Test
  void aRefusedRestoreLeavesNoRoomsBehind() {
    Server server = server(ConnectionStateRecovery.defaults().withSkipMiddlewares(false));
    AtomicInteger calls = new AtomicInteger();
    server.use((s, next) -> {
      if (calls.incrementAndGet() == 1) next.proceed();
      else next.fail(new ConnectError("not now"));
    });
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    Socket socket = connected.get(0);
    socket.join("room");
    server.emit("x", 1);
    String offset = offsetOf(first.lastText());
    first.close(CloseReason.TRANSPORT_CLOSE);

    FakeEngineSocket second = new FakeEngineSocket();
    server.attach(second);
    second.receive(resumeConnect(hello, offset));
    assertTrue(second.texts().get(0).startsWith("4{\"message\":\"not now\""), second.texts().get(0));
    assertEquals(Map.of(), Map.copyOf(server.sockets().sockets()));
    assertTrue(server.sockets().adapter().sockets(java.util.Set.of("room")).isEmpty());
  }

  @Test
  void anAcknowledgedEventSentAgainAfterRecoveryIsAnsweredNotHandledTwice() {
    Server server = server();
    AtomicInteger handled = new AtomicInteger();
    List<Ack> later = new CopyOnWriteArrayList<>();
    server.onConnection(s -> {
      s.on("inc", (args, ack) -> { handled.incrementAndGet(); ack.send(args.get(0)); });
      s.on("slow", (args, ack) -> later.add(ack));
    });
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    server.emit("x", 1);
    String offset = offsetOf(first.lastText());
    first.receive("27[\"inc\",7]");
    assertEquals("37[7]", first.lastText());
    first.receive("28[\"slow\"]");
    first.close(CloseReason.TRANSPORT_CLOSE);
    later.get(0).send("done"); // answered while the client is away

    FakeEngineSocket second = new FakeEngineSocket();
    connect(server, second, "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    second.clearSent();
    second.receive("27[\"inc\",7]");
    second.receive("28[\"slow\"]");
    second.receive("29[\"inc\",9]");
    assertEquals(List.of("37[7]", "38[\"done\"]", "39[9]"), second.texts());
    assertEquals(2, handled.get(), "7 once, 9 once");
    assertEquals(1, later.size(), "slow once");
  }

  @Test
  void anAnswerGivenWhileTheClientIsBackGoesToItsNewConnection() {
    Server server = server();
    List<Ack> later = new CopyOnWriteArrayList<>();
    server.onConnection(s -> s.on("slow", (args, ack) -> later.add(ack)));
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    server.emit("x", 1);
    String offset = offsetOf(first.lastText());
    first.receive("25[\"slow\"]");
    first.close(CloseReason.TRANSPORT_CLOSE);
    FakeEngineSocket second = new FakeEngineSocket();
    connect(server, second, "{\"pid\":\"" + hello.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
    second.receive("25[\"slow\"]"); // still running: not handled again

    later.get(0).send("done");
    assertEquals("35[\"done\"]", second.lastText());
    assertEquals(1, later.size());
  }

  /**
   * A server whose adapter finds a session at once (as a Redis read would) but answers only when
   * the test runs the task it adds to {@code restoresToFinish}.
   */
  private Server serverWithHeldRestores(List<Runnable> restoresToFinish) {
    return new Server(ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)))
        .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build())
        .adapter(namespace -> new InMemoryAdapter(namespace) {
          @Override
          public CompletableFuture<RestoreResult> restoreSession(String pid, String offset) {
            RestoreResult found = super.restoreSession(pid, offset).join();
            CompletableFuture<RestoreResult> answer = new CompletableFuture<>();
            restoresToFinish.add(() -> answer.complete(found));
            return answer;
          }
        })
        .build());
  }

  /**
   * A client whose attempt to resume was cut while the adapter was still restoring comes back on
   * another connection at once: the second attempt waits for the first to end (its client gone,
   * the session stored again) and then gets the session, rooms included.
   */
  @Test
  void aSecondAttemptWhileTheFirstIsStillRestoringWaitsForItAndResumes() {
    List<Runnable> restoresToFinish = new CopyOnWriteArrayList<>();
    Server server = serverWithHeldRestores(restoresToFinish);
    server.onConnection(connected::add);
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    connected.get(0).join("news");
    server.to("news").emit("headline", 1);
    String resume = resumeConnect(hello, offsetOf(first.lastText()));
    first.close(CloseReason.TRANSPORT_CLOSE);

    attempt(server, resume).close(CloseReason.TRANSPORT_CLOSE); // before the adapter answered
    FakeEngineSocket again = attempt(server, resume);
    assertEquals(1, restoresToFinish.size(), "the second attempt waits for the first");

    restoresToFinish.remove(0).run(); // the first ends: its client is gone, the session is kept again
    assertEquals(1, restoresToFinish.size(), "then the second asks the adapter");
    restoresToFinish.remove(0).run();

    JsonObject back = JsonParser.parseString(again.texts().get(0).substring(1)).getAsJsonObject();
    assertEquals(hello.get("sid"), back.get("sid"));
    assertTrue(connected.get(connected.size() - 1).recovered());
    server.to("news").emit("headline", 2);
    assertTrue(again.lastText().startsWith("2[\"headline\",2,"), again.texts().toString());
  }

  /**
   * A client whose connection drops again while its session is being restored comes back a third
   * time: the transfers it had open are still there to resume (the abandoned restore hands them
   * back with the session), not unknown to the server.
   */
  @Test
  void aTransferSurvivesAClientThatLeavesAgainDuringItsRestore() {
    List<Runnable> restoresToFinish = new CopyOnWriteArrayList<>();
    Server server = serverWithHeldRestores(restoresToFinish);
    List<InboundStream> uploads = new CopyOnWriteArrayList<>();
    server.onConnection(socket -> {
      connected.add(socket);
      socket.onStream("up", (meta, in) -> uploads.add(in));
    });
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    first.receive("2[\"belay:stream\",{\"id\":\"c1\",\"name\":\"up\",\"meta\":null}]");
    assertEquals(1, uploads.size());
    assertTrue(first.lastText().startsWith("2[\"belay:credit\",\"c1\",0,"), first.texts().toString());
    connected.get(0).emit("hello");
    String resume = resumeConnect(hello, offsetOf(first.lastText()));
    first.close(CloseReason.TRANSPORT_CLOSE);

    attempt(server, resume).close(CloseReason.TRANSPORT_CLOSE); // before the restore ended
    restoresToFinish.remove(0).run();

    FakeEngineSocket again = attempt(server, resume);
    restoresToFinish.remove(0).run();
    assertTrue(connected.get(connected.size() - 1).recovered());
    again.receive("2[\"belay:resume\",{\"id\":\"c1\"}]");
    assertTrue(again.lastText().startsWith("2[\"belay:credit\",\"c1\",0,"), "resumed where it was, not aborted: " + again.texts());
    assertFalse(uploads.get(0).completion().isDone(), "the transfer is still open");
  }

  /**
   * A client back on another connection while its old socket is leaving, after the socket left
   * the namespace and before its session is stored (another lane, another thread in a real
   * server): the attempt waits for the store and resumes.
   */
  @Test
  void aClientBackWhileItsOldSocketIsStillStoringTheSessionResumes() {
    FakeEngineSocket again = new FakeEngineSocket();
    String[] resume = new String[1];
    Server[] holder = new Server[1];
    Server server = new Server(ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)))
        .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build())
        .adapter(namespace -> new InMemoryAdapter(namespace) {
          @Override
          public void persistSession(dev.belay.adapter.SessionToPersist session) {
            if (resume[0] != null) { // the client is back before the session is stored
              holder[0].attach(again);
              again.receive(resume[0]);
            }
            super.persistSession(session);
          }
        })
        .build());
    holder[0] = server;
    server.onConnection(connected::add);
    FakeEngineSocket first = new FakeEngineSocket();
    JsonObject hello = connect(server, first, null);
    connected.get(0).join("news");
    server.to("news").emit("headline", 1);
    resume[0] = resumeConnect(hello, offsetOf(first.lastText()));
    first.close(CloseReason.TRANSPORT_CLOSE);

    JsonObject back = JsonParser.parseString(again.texts().get(0).substring(1)).getAsJsonObject();
    assertEquals(hello.get("sid"), back.get("sid"), "resumed, not a fresh socket");
    assertTrue(connected.get(connected.size() - 1).recovered());
  }
}
