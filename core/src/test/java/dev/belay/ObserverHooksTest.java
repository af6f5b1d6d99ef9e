package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What an observer (the Admin UI's server side) sees: namespaces as they appear, room joins and leaves. */
class ObserverHooksTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final Server server = new Server(ServerOptions.builder().connectTimeout(Duration.ofSeconds(1))
      .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build()).build());

  private Socket connect(String namespace) {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    AtomicReference<Socket> joined = new AtomicReference<>();
    server.of(namespace).onConnection(joined::set);
    conn.receive("/".equals(namespace) ? "0" : "0" + namespace + ",");
    return joined.get();
  }

  @Test
  void namespaceListenersHearOfEachNewNamespaceOnceDynamicChildrenIncluded() {
    List<String> created = new CopyOnWriteArrayList<>();
    server.onNamespace(nsp -> created.add(nsp.name()));
    server.of("/chat");
    server.of("chat");
    server.of(Pattern.compile("/team-\\d+"));
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    conn.receive("0/team-7,");
    conn.receive("0/team-8,");
    conn.receive("0/team-7x,"); // refused: no such namespace, nothing created
    assertEquals(List.of("/chat", "/team-7", "/team-8"), created);
    Set<String> names = new java.util.TreeSet<>();
    server.namespaces().forEach(nsp -> names.add(nsp.name()));
    assertEquals(Set.of("/", "/chat", "/team-7", "/team-8"), names);
  }

  @Test
  void roomListenersSeeRealJoinsAndLeavesAndEveryRoomOnDisconnect() {
    List<String> changes = new CopyOnWriteArrayList<>();
    server.sockets().onRoomChange((room, id, joined) -> changes.add((joined ? "+" : "-") + room));
    Socket socket = connect("/");
    assertEquals(List.of("+" + socket.id()), changes);
    changes.clear();
    socket.join("red", "blue");
    socket.join("red"); // already in it: nothing to tell
    socket.leave("green"); // never in it: nothing to tell
    socket.leave("blue");
    assertEquals(List.of("+red", "+blue", "-blue"), sortedJoins(changes));
    changes.clear();
    socket.disconnect(false);
    assertEquals(Set.of("-red", "-" + socket.id()), Set.copyOf(changes));
    assertEquals(2, changes.size());
    assertTrue(socket.rooms().isEmpty());
  }

  /** Joins of one call come in set order: compare them as a set, keep the rest in order. */
  private static List<String> sortedJoins(List<String> changes) {
    assertEquals(Set.of("+red", "+blue"), Set.copyOf(changes.subList(0, 2)));
    return List.of("+red", "+blue", changes.get(2));
  }

  @Test
  void aFailingListenerDoesNotStopTheJoin() {
    server.sockets().onRoomChange((room, id, joined) -> {
      throw new IllegalStateException("observer bug");
    });
    Socket socket = connect("/");
    socket.join("red");
    assertEquals(Set.of(socket.id(), "red"), socket.rooms());
  }
}
