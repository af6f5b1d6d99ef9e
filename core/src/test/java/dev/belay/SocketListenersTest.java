package dev.belay;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Adding and removing listeners (once, off, offAny, onAnyOutgoing) and typed arguments, over a fake session. */
class SocketListenersTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final Server server = new Server(ServerOptions.builder()
      .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build()).build());

  record Move(int x, int y) {}

  record Player(String name) {}

  private Socket join(FakeEngineSocket conn) {
    AtomicReference<Socket> joined = new AtomicReference<>();
    server.attach(conn);
    server.on("connection", joined::set);
    conn.receive("0");
    conn.clearSent();
    return joined.get();
  }

  @Test
  void onceRunsForTheNextEventOnly() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    List<Object> seen = new ArrayList<>();
    socket.once("ping", (args, ack) -> seen.add(args.get(0)));
    conn.receive("2[\"ping\",\"first\"]");
    conn.receive("2[\"ping\",\"second\"]");
    assertEquals(List.of("first"), seen);
  }

  @Test
  void offRemovesOneListenerAndLeavesTheOthers() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    List<String> seen = new ArrayList<>();
    EventListener a = (args, ack) -> seen.add("a");
    EventListener b = (args, ack) -> seen.add("b");
    EventListener once = (args, ack) -> seen.add("once");
    socket.on("x", a).on("x", b).once("x", once);
    socket.off("x", a).off("x", once).off("x", (args, ack) -> seen.add("never added"));
    conn.receive("2[\"x\"]");
    assertEquals(List.of("b"), seen);
    socket.off("x", b);
    conn.receive("2[\"x\"]");
    assertEquals(List.of("b"), seen);
  }

  @Test
  void offWorksForDisconnectListenersAddedAsEvents() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    List<Object> seen = new ArrayList<>();
    EventListener removed = (args, ack) -> seen.add("removed");
    socket.on("disconnect", removed).on("disconnect", (args, ack) -> seen.add(args.get(0)));
    socket.off("disconnect", removed);
    conn.receive("1");
    assertEquals(List.of("client namespace disconnect"), seen);
  }

  @Test
  void offAnyRemovesOneCatchAllOrAll() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    List<String> seen = new ArrayList<>();
    AnyListener first = (event, args) -> seen.add("first " + event);
    AnyListener second = (event, args) -> seen.add("second " + event);
    socket.onAny(first).onAny(second).offAny(first);
    conn.receive("2[\"a\"]");
    socket.offAny();
    conn.receive("2[\"b\"]");
    assertEquals(List.of("second a"), seen);
  }

  @Test
  void onAnyOutgoingSeesEveryEmitWithItsPlainArgumentsButNotTheAckCallback() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    List<String> seen = new ArrayList<>();
    AnyListener listener = (event, args) -> seen.add(event + " " + args);
    socket.onAnyOutgoing(listener);
    socket.emit("move", new Move(1, 2));
    socket.emit("question", "why", (AckCallback) (error, args) -> { });
    socket.offAnyOutgoing(listener);
    socket.emit("unseen");
    assertEquals(List.of("move [{x=1, y=2}]", "question [why]"), seen);
    assertEquals(3, conn.texts().size(), "every emit still went out");
  }

  @Test
  void aFailingOutgoingListenerDoesNotStopTheEmit() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    socket.onAnyOutgoing((event, args) -> { throw new IllegalStateException("bug in app"); });
    socket.emit("hello");
    assertEquals(List.of("2[\"hello\"]"), conn.texts());
  }

  @Test
  void typedListenersOverTwoAndThreeArguments() {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    List<Object> seen = new ArrayList<>();
    socket.on("move", Move.class, Player.class, (move, player, ack) -> {
      seen.add(move);
      seen.add(player);
      ack.send("ok");
    });
    socket.on("trade", Player.class, String.class, Integer.class, (from, item, price, ack) -> {
      seen.add(from);
      seen.add(item);
      seen.add(price);
    });
    conn.receive("23[\"move\",{\"x\":1,\"y\":2},{\"name\":\"ann\"}]");
    assertEquals("33[\"ok\"]", conn.lastText());
    conn.receive("2[\"trade\",{\"name\":\"bob\"},\"sword\",12]");
    conn.receive("2[\"move\",{\"x\":3,\"y\":4}]"); // fewer arguments: the missing one is null
    assertEquals(List.of(new Move(1, 2), new Player("ann"), new Player("bob"), "sword", 12, new Move(3, 4)),
        seen.subList(0, 6));
    assertNull(seen.get(6));
  }

  @Test
  void typedEmitWithAckMapsTheFirstAnswer() throws Exception {
    FakeEngineSocket conn = new FakeEngineSocket();
    Socket socket = join(conn);
    CompletableFuture<Move> answer = socket.timeout(Duration.ofSeconds(2)).emitWithAck(Move.class, "where");
    CompletableFuture<Move> none = socket.emitWithAck(Move.class, "where");
    assertEquals(List.of("20[\"where\"]", "21[\"where\"]"), conn.texts());
    conn.receive("30[{\"x\":5,\"y\":6}]");
    conn.receive("31[]");
    assertEquals(new Move(5, 6), answer.get(1, TimeUnit.SECONDS));
    assertNull(none.get(1, TimeUnit.SECONDS));
    assertTrue(clock.pending() == 0, "both ack timers were cancelled");
  }
}
