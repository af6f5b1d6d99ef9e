package dev.belay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.CloseReason;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The event layer over a fake engine session and a fake clock: what a client would see on the wire. */
class SocketSessionTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final Server server = new Server(
      ServerOptions.builder().connectTimeout(Duration.ofSeconds(1)).ackTimeout(Duration.ofSeconds(5))
          .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build()).build());

  private FakeEngineSocket connectClient() {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    return conn;
  }

  /** Connects to {@code namespace} and returns the server-side socket. */
  private Socket join(FakeEngineSocket conn, String namespace) {
    AtomicReference<Socket> joined = new AtomicReference<>();
    Namespace ns = server.of(namespace);
    ConnectionListener grab = joined::set;
    ns.onConnection(grab);
    conn.receive("/".equals(namespace) ? "0" : "0" + namespace + ",");
    assertTrue(joined.get() != null, "connection listener ran");
    return joined.get();
  }

  @Test
  void connectIsAnsweredWithTheSidOnly() {
    FakeEngineSocket conn = connectClient();
    List<Socket> connected = new ArrayList<>();
    server.on("connection", connected::add);
    conn.receive("0");
    assertEquals(1, connected.size());
    Socket socket = connected.get(0);
    assertEquals(List.of("0{\"sid\":\"" + socket.id() + "\"}"), conn.texts());
    assertEquals(20, socket.id().length());
    assertTrue(socket.connected());
    assertEquals(Set.of(socket.id()), socket.rooms());
    assertEquals(Map.of(), socket.handshake().auth());
    assertEquals("127.0.0.1", socket.handshake().address());
    assertEquals("4", socket.handshake().query("EIO"));
    assertEquals("fake", socket.handshake().header("user-agent"));
    assertEquals(conn.id(), socket.connectionId());
  }

  @Test
  void authPayloadReachesTheHandshake() {
    FakeEngineSocket conn = connectClient();
    AtomicReference<Object> auth = new AtomicReference<>();
    server.of("/custom").on("connection", socket -> auth.set(socket.handshake().auth()));
    conn.receive("0/custom,{\"token\":\"abc\"}");
    assertEquals(Map.of("token", "abc"), auth.get());
    assertTrue(conn.lastText().startsWith("0/custom,{\"sid\":"));
  }

  @Test
  void unknownNamespaceGetsConnectError() {
    FakeEngineSocket conn = connectClient();
    conn.receive("0/random");
    assertEquals(List.of("4/random,{\"message\":\"Invalid namespace\"}"), conn.texts());
    assertTrue(conn.open);
  }

  @Test
  void middlewareRefusalBecomesConnectErrorWithData() {
    server.use((socket, next) -> {
      if ("ok".equals(socket.handshake().auth().get("token"))) next.proceed();
      else next.fail(new ConnectError("not authorized", Map.of("code", 7)));
    });
    FakeEngineSocket refused = connectClient();
    refused.receive("0{\"token\":\"bad\"}");
    assertEquals(List.of("4{\"message\":\"not authorized\",\"data\":{\"code\":7}}"), refused.texts());

    FakeEngineSocket accepted = connectClient();
    accepted.receive("0{\"token\":\"ok\"}");
    assertTrue(accepted.lastText().startsWith("0{\"sid\":"));
  }

  @Test
  void middlewareThatThrowsOrFinishesOnAnotherThread() throws Exception {
    Namespace slow = server.of("/slow");
    slow.use((socket, next) -> CompletableFuture.runAsync(next::proceed));
    slow.use((socket, next) -> {
      if (socket.handshake().auth().containsKey("boom")) throw new IllegalStateException("boom");
      next.proceed();
    });
    CompletableFuture<Socket> connected = new CompletableFuture<>();
    slow.on("connection", connected::complete);
    FakeEngineSocket conn = connectClient();
    conn.receive("0/slow,");
    Socket socket = connected.get(5, TimeUnit.SECONDS);
    assertEquals("0/slow,{\"sid\":\"" + socket.id() + "\"}", conn.lastText());

    FakeEngineSocket bad = connectClient();
    bad.receive("0/slow,{\"boom\":true}");
    assertEquals("4/slow,{\"message\":\"boom\"}", bad.awaitText());
  }

  @Test
  void eventWithAckIsAnsweredWithTheSameId() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    socket.on("message-with-ack", (args, ack) -> {
      assertTrue(ack.requested());
      ack.send(args.toArray());
      ack.send("ignored: only the first answer counts");
    });
    conn.clearSent();
    conn.receive("2456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
    assertEquals(List.of("3456[1,\"2\",{\"3\":[false]}]"), conn.texts());
  }

  @Test
  void binaryEchoKeepsAttachmentsNested() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
    conn.clearSent();
    conn.receive("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"nested\":[{\"_placeholder\":true,\"num\":1}]}]"
        .substring(1));
    conn.receive(new byte[] {1, 2, 3});
    assertTrue(conn.sent().isEmpty(), "waits for the second attachment");
    conn.receive(new byte[] {4, 5, 6});
    List<Object> sent = conn.sent();
    assertEquals(3, sent.size());
    assertEquals("52-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"nested\":[{\"_placeholder\":true,\"num\":1}]}]",
        sent.get(0));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) sent.get(1));
    assertArrayEquals(new byte[] {4, 5, 6}, (byte[]) sent.get(2));
  }

  @Test
  void serverEmitWithAckCompletesOnTheClientsAck() throws Exception {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    conn.clearSent();
    CompletableFuture<List<Object>> answer = socket.timeout(Duration.ofSeconds(2)).emitWithAck("question", "why");
    assertEquals("20[\"question\",\"why\"]", conn.lastText());
    conn.receive("30[\"because\",42]");
    assertEquals(List.of("because", 42L), answer.get(1, TimeUnit.SECONDS));
    assertEquals(0, clock.pending() - 0, "the ack timer was cancelled");
  }

  @Test
  void ackTimesOutOnTheSchedulerAndLateAnswersAreIgnored() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    CompletableFuture<List<Object>> answer = socket.timeout(Duration.ofMillis(500)).emitWithAck("question");
    List<Throwable> callbackErrors = new CopyOnWriteArrayList<>();
    socket.emit("other", 1, (AckCallback) (error, args) -> callbackErrors.add(error));
    clock.advance(Duration.ofMillis(499));
    assertFalse(answer.isDone());
    clock.advance(Duration.ofMillis(1));
    ExecutionException e = assertThrows(ExecutionException.class, answer::get);
    assertInstanceOf(AckTimeoutException.class, e.getCause());
    conn.receive("30[\"too late\"]");
    clock.advance(Duration.ofSeconds(5)); // the server's default ackTimeout for the callback emit
    assertEquals(1, callbackErrors.size());
    assertInstanceOf(AckTimeoutException.class, callbackErrors.get(0));
  }

  @Test
  void pendingAcksFailWhenTheSocketLeaves() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    CompletableFuture<List<Object>> answer = socket.emitWithAck("question");
    conn.receive("1");
    ExecutionException e = assertThrows(ExecutionException.class, answer::get);
    assertInstanceOf(IllegalStateException.class, e.getCause());
    CompletableFuture<List<Object>> afterwards = socket.emitWithAck("again");
    assertTrue(afterwards.isCompletedExceptionally());
  }

  @Test
  void parseErrorClosesTheSessionWithThatReason() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    List<DisconnectReason> reasons = new ArrayList<>();
    socket.onDisconnect(reasons::add);
    conn.receive("2{}");
    assertEquals(CloseReason.PARSE_ERROR, conn.closeReason);
    assertEquals(List.of(DisconnectReason.PARSE_ERROR), reasons);
    assertFalse(socket.connected());
    assertTrue(server.sockets().sockets().isEmpty());
  }

  @Test
  void everyMalformedInputClosesOnlyItsOwnSession() {
    FakeEngineSocket healthy = connectClient();
    Socket bystander = join(healthy, "/");
    for (Object bad : List.of("4abc", "2abc[\"x\"]", "9", "", "2[\"x\"", "0[1]", "2[\"disconnect\"]")) {
      FakeEngineSocket conn = connectClient();
      conn.receive("0");
      conn.receive(bad);
      assertEquals(CloseReason.PARSE_ERROR, conn.closeReason, "input " + bad);
    }
    FakeEngineSocket binary = connectClient();
    binary.receive(new byte[] {1});
    assertEquals(CloseReason.PARSE_ERROR, binary.closeReason);
    assertTrue(healthy.open);
    assertTrue(bystander.connected());
  }

  @Test
  void connectTimeoutClosesASessionThatJoinsNothing() {
    FakeEngineSocket idle = connectClient();
    FakeEngineSocket joined = connectClient();
    joined.receive("0");
    clock.advance(Duration.ofMillis(999));
    assertTrue(idle.open);
    clock.advance(Duration.ofMillis(1));
    assertFalse(idle.open);
    assertEquals(CloseReason.FORCED_CLOSE, idle.closeReason);
    assertTrue(joined.open);
  }

  @Test
  void clientLeavingANamespaceKeepsTheConnection() {
    FakeEngineSocket conn = connectClient();
    Socket main = join(conn, "/");
    Socket custom = join(conn, "/custom");
    List<String> events = new ArrayList<>();
    custom.onDisconnecting(reason -> events.add("disconnecting " + reason.text() + " " + custom.rooms()));
    custom.on("disconnect", (args, ack) -> events.add("disconnect " + args.get(0) + " " + custom.rooms()));
    main.on("message", (args, ack) -> events.add("message " + args.get(0)));
    custom.join("r");
    conn.receive("1/custom");
    conn.receive("2[\"message\",\"to main\"]");
    conn.receive("2/custom,[\"message\",\"dropped\"]");
    assertEquals(List.of(
        "disconnecting client namespace disconnect [" + String.join(", ", List.of(custom.id(), "r")) + "]",
        "disconnect client namespace disconnect []",
        "message to main"), events);
    assertTrue(conn.open);
    clock.advance(Duration.ofSeconds(5));
    assertTrue(conn.open, "connectTimeout does not apply once a namespace was joined");
  }

  @Test
  void serverSideDisconnect() {
    FakeEngineSocket conn = connectClient();
    Socket main = join(conn, "/");
    Socket admin = join(conn, "/admin");
    List<String> reasons = new ArrayList<>();
    main.onDisconnect(r -> reasons.add("/ " + r.text()));
    admin.onDisconnect(r -> reasons.add("/admin " + r.text()));
    conn.clearSent();
    admin.disconnect(false);
    assertEquals(List.of("1/admin,"), conn.texts());
    assertTrue(conn.open);
    main.disconnect(true);
    assertEquals(List.of("1/admin,", "1"), conn.texts());
    assertFalse(conn.open);
    assertEquals(List.of("/admin server namespace disconnect", "/ server namespace disconnect"), reasons);
  }

  @Test
  void engineCloseReasonsBecomeDisconnectReasons() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    List<DisconnectReason> reasons = new ArrayList<>();
    socket.onDisconnect(reasons::add);
    conn.close(CloseReason.PING_TIMEOUT);
    assertEquals(List.of(DisconnectReason.PING_TIMEOUT), reasons);
    assertEquals("ping timeout", reasons.get(0).text());
  }

  @Test
  void roomBroadcastEncodesOnceAndReachesOnlyTheRoom() {
    FakeEngineSocket c1 = connectClient();
    FakeEngineSocket c2 = connectClient();
    FakeEngineSocket c3 = connectClient();
    Socket s1 = join(c1, "/");
    Socket s2 = join(c2, "/");
    join(c3, "/");
    s1.join("room");
    s2.join("room", "other");
    c1.clearSent();
    c2.clearSent();
    c3.clearSent();
    server.to("room").emit("news", "hi", new byte[] {7});
    assertEquals(2, c1.sent().size(), "one text frame and one attachment");
    assertSame(c1.sent().get(0), c2.sent().get(0), "the same encoded text goes to every recipient");
    assertSame(c1.sent().get(1), c2.sent().get(1), "and the same attachment bytes");
    assertTrue(c3.sent().isEmpty());

    c1.clearSent();
    c2.clearSent();
    s1.to("room").emit("from-s1");
    assertTrue(c1.sent().isEmpty(), "socket.to(room) excludes the sender");
    assertEquals(List.of("2[\"from-s1\"]"), c2.texts());

    c2.clearSent();
    server.except("other").emit("all-but-other");
    assertEquals(List.of("2[\"all-but-other\"]"), c1.texts());
    assertTrue(c2.sent().isEmpty());
    assertEquals(List.of("2[\"all-but-other\"]"), c3.texts());
  }

  @Test
  void fetchJoinLeaveAndDisconnectSockets() throws Exception {
    FakeEngineSocket c1 = connectClient();
    FakeEngineSocket c2 = connectClient();
    Socket s1 = join(c1, "/");
    Socket s2 = join(c2, "/");
    s1.join("a");
    List<RemoteSocket> inA = server.in("a").fetchSockets().get();
    assertEquals(List.of(s1), inA);
    server.socketsJoin("b");
    assertEquals(Set.of(s1.id(), "a", "b"), s1.rooms());
    server.in("a").socketsLeave("b");
    assertEquals(Set.of(s1.id(), "a"), s1.rooms());
    assertEquals(Set.of(s2.id(), "b"), s2.rooms());
    server.in("b").disconnectSockets(false);
    assertFalse(s2.connected());
    assertTrue(c2.open);
    assertEquals("1", c2.lastText());
    server.disconnectSockets(true);
    assertFalse(c1.open);
    assertTrue(server.fetchSockets().get().isEmpty());
  }

  @Test
  void dynamicNamespacesByPattern() {
    Namespace parent = server.of(Pattern.compile("/dyn-\\d+"));
    List<String> joined = new ArrayList<>();
    parent.use((socket, next) -> {
      joined.add("middleware " + socket.namespace().name());
      next.proceed();
    });
    parent.on("connection", socket -> joined.add("connection " + socket.namespace().name()));
    FakeEngineSocket conn = connectClient();
    conn.receive("0/dyn-12,");
    conn.receive("0/dyn-x,");
    assertEquals(List.of("middleware /dyn-12", "connection /dyn-12"), joined);
    assertEquals("4/dyn-x,{\"message\":\"Invalid namespace\"}", conn.lastText());
    assertEquals(1, parent.children().size());
    conn.clearSent();
    parent.emit("hello-children");
    assertEquals(List.of("2/dyn-12,[\"hello-children\"]"), conn.texts());
  }

  @Test
  void volatileEmitsAreDroppedWhenTheTransportIsBusy() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    conn.clearSent();
    conn.writable = false;
    socket.asVolatile().emit("tick", 1);
    server.asVolatile().emit("tick", 2);
    socket.emit("reliable", 3);
    assertEquals(List.of("2[\"reliable\",3]"), conn.texts());
    conn.writable = true;
    socket.asVolatile().emit("tick", 4);
    assertEquals("2[\"tick\",4]", conn.lastText());
  }

  @Test
  void packetMiddlewareCanRejectAndListenersSeeEverything() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    List<String> seen = new ArrayList<>();
    socket.use((packet, next) -> {
      if ("forbidden".equals(packet.get(0))) next.fail(new SecurityException("nope"));
      else next.proceed();
    });
    socket.onAny((event, args) -> seen.add("any " + event + " " + args));
    socket.on("hello", (args, ack) -> seen.add("hello " + args));
    socket.on("error", (args, ack) -> seen.add("error " + ((Exception) args.get(0)).getMessage()));
    conn.receive("2[\"hello\",1]");
    conn.receive("2[\"forbidden\"]");
    assertEquals(List.of("any hello [1]", "hello [1]", "error nope"), seen);
  }

  record Move(int x, int y, String who) {}

  @Test
  void typedListenerAndObjectArguments() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    AtomicReference<Move> received = new AtomicReference<>();
    socket.on("move", Move.class, (move, ack) -> {
      received.set(move);
      ack.send(new Move(move.x() + 1, move.y() + 1, "server"));
    });
    conn.clearSent();
    conn.receive("27[\"move\",{\"x\":1,\"y\":2,\"who\":\"me\"}]");
    assertEquals(new Move(1, 2, "me"), received.get());
    assertEquals("37[{\"x\":2,\"y\":3,\"who\":\"server\"}]", conn.lastText());
  }

  @Test
  void reservedEventNamesCannotBeEmitted() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    assertThrows(IllegalArgumentException.class, () -> socket.emit("disconnect"));
    assertThrows(IllegalArgumentException.class, () -> server.emit("connect"));
    assertThrows(UnsupportedOperationException.class,
        () -> server.emit("x", (AckCallback) (error, args) -> { }));
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersOrTheSession() {
    FakeEngineSocket conn = connectClient();
    Socket socket = join(conn, "/");
    List<String> seen = new ArrayList<>();
    socket.on("x", (args, ack) -> { throw new IllegalStateException("bug in app"); });
    socket.on("x", (args, ack) -> seen.add("second"));
    conn.receive("2[\"x\"]");
    conn.receive("2[\"x\"]");
    assertEquals(List.of("second", "second"), seen);
    assertTrue(conn.open);
    assertNull(conn.closeReason);
  }

  @Test
  void broadcastWithAcksCollectsEveryAnswer() throws Exception {
    FakeEngineSocket c1 = connectClient();
    FakeEngineSocket c2 = connectClient();
    FakeEngineSocket c3 = connectClient();
    join(c1, "/").join("voters");
    join(c2, "/").join("voters");
    join(c3, "/");
    CompletableFuture<List<Object>> votes = server.to("voters").timeout(Duration.ofSeconds(1)).emitWithAck("vote", "lunch?");
    String packet = c1.lastText();
    assertSame(packet, c2.lastText(), "encoded once");
    assertTrue(packet.matches("2\\d+\\[\"vote\",\"lunch\\?\"]"), packet);
    String id = packet.substring(1, packet.indexOf('['));
    assertFalse(c3.lastText().contains("vote"));
    c1.receive("3" + id + "[\"pizza\"]");
    assertFalse(votes.isDone());
    c2.receive("3" + id + "[\"salad\",\"extra\"]");
    assertEquals(List.of("pizza", "salad"), votes.get(1, TimeUnit.SECONDS));
  }

  @Test
  void broadcastWithAcksTimesOutAndStopsWaiting() {
    FakeEngineSocket c1 = connectClient();
    FakeEngineSocket c2 = connectClient();
    FakeEngineSocket c3 = connectClient();
    join(c1, "/");
    join(c2, "/");
    join(c3, "/");
    CompletableFuture<List<Object>> answers = server.timeout(Duration.ofMillis(500)).emitWithAck("anyone");
    String id = c1.lastText().substring(1, c1.lastText().indexOf('['));
    c1.receive("3" + id + "[1]");
    c2.close(CloseReason.TRANSPORT_CLOSE); // no longer waited for
    assertFalse(answers.isDone());
    clock.advance(Duration.ofMillis(500));
    ExecutionException e = assertThrows(ExecutionException.class, answers::get);
    assertInstanceOf(AckTimeoutException.class, e.getCause());
    assertEquals("1 of 2 clients acknowledged within 500 ms", e.getCause().getMessage());
    c3.receive("3" + id + "[\"late\"]"); // ignored
    assertTrue(c3.open);
  }

  @Test
  void broadcastWithAcksToNobodyCompletesAtOnce() throws Exception {
    assertEquals(List.of(), server.to("empty-room").emitWithAck("hello").get(1, TimeUnit.SECONDS));
  }
}
