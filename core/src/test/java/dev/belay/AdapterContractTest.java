package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import dev.belay.adapter.AdapterFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every adapter must do, on {@link #nodes()} servers sharing one fake clock, with clients on
 * fake engine sessions going through the real socket layer: broadcasts to all, rooms, except and
 * local; broadcasts with acknowledgements counted across nodes; fetchSockets with remote sockets;
 * socketsJoin, socketsLeave and disconnectSockets; serverSideEmit with and without answers;
 * serverCount. A subclass gives the adapter of each node (and, for a cluster, a way to wait until
 * what was published is delivered).
 */
public abstract class AdapterContractTest {
  private static final Gson GSON = new Gson();

  protected final FakeScheduler clock = new FakeScheduler();
  protected final List<Server> servers = new ArrayList<>();

  /** How many servers the adapter under test runs on (1 for a single-server adapter). */
  protected abstract int nodes();

  /** The adapter factory of server {@code node} (0-based), called once per server. */
  protected abstract AdapterFactory adapterFactory(int node);

  /** Waits until every message published so far between nodes (and what it caused) is handled. */
  protected void awaitQuiet() throws Exception {}

  /** Options shared by the servers; subclasses may add recovery. */
  protected ServerOptions.Builder options(int node) {
    return ServerOptions.builder().ackTimeout(Duration.ofSeconds(5)).adapter(adapterFactory(node));
  }

  @BeforeEach
  void startServers() throws Exception {
    for (int i = 0; i < nodes(); i++) {
      servers.add(new Server(options(i).build(), null, clock, Runnable::run));
      awaitQuiet();
    }
  }

  @AfterEach
  void closeServers() {
    for (Server server : servers) server.close();
  }

  // ---------------------------------------------------------------- clients

  /** A client on a fake engine session, joined to namespace "/" of server {@code node}. */
  protected final class Peer {
    final FakeEngineSocket conn = new FakeEngineSocket();
    final int node;
    final String sid;

    Peer(int node) throws Exception {
      this.node = node;
      servers.get(node).attach(conn);
      conn.receive("0");
      String connect = conn.awaitText();
      assertTrue(connect.startsWith("0{\"sid\":"), connect);
      sid = (String) GSON.fromJson(connect.substring(1), java.util.Map.class).get("sid");
    }

    Socket socket() {
      return servers.get(node).sockets().sockets().get(sid);
    }

    /** Waits for the next event named {@code name} and returns its packet text. */
    String await(String name) throws Exception {
      return await(text -> name.equals(eventName(text)));
    }

    String await(Predicate<String> wanted) throws Exception {
      while (true) {
        String text = conn.awaitText();
        if (wanted.test(text)) return text;
      }
    }

    /** The names of every event this client got so far. */
    List<String> events() {
      List<String> names = new ArrayList<>();
      for (String text : conn.texts()) {
        String name = eventName(text);
        if (name != null) names.add(name);
      }
      return names;
    }

    /** Waits for {@code name} with an ack id and answers it with {@code answer}. */
    void answer(String name, Object answer) throws Exception {
      String text = await(name);
      conn.receive("3" + ackId(text) + GSON.toJson(List.of(answer)));
    }
  }

  /** The event name of an EVENT packet's text in namespace "/", or null. */
  static String eventName(String text) {
    if (text.isEmpty() || text.charAt(0) != '2') return null;
    int i = 1;
    while (i < text.length() && Character.isDigit(text.charAt(i))) i++;
    List<?> data = GSON.fromJson(text.substring(i), List.class);
    return data.isEmpty() ? null : String.valueOf(data.get(0));
  }

  /** The arguments of an EVENT packet's text. */
  static List<?> eventArgs(String text) {
    int i = 1;
    while (i < text.length() && Character.isDigit(text.charAt(i))) i++;
    List<?> data = GSON.fromJson(text.substring(i), List.class);
    return data.subList(1, data.size());
  }

  static long ackId(String text) {
    int i = 1;
    while (i < text.length() && Character.isDigit(text.charAt(i))) i++;
    assertTrue(i > 1, "no ack id in " + text);
    return Long.parseLong(text.substring(1, i));
  }

  /** One client per server. */
  protected List<Peer> onePerNode() throws Exception {
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < nodes(); i++) peers.add(new Peer(i));
    awaitQuiet();
    return peers;
  }

  protected Server io(int node) {
    return servers.get(node);
  }

  protected Server last() {
    return servers.get(nodes() - 1);
  }

  /** Broadcasts a marker from the last node and waits for it at every peer: what was sent before it has arrived. */
  protected void barrier(List<Peer> peers) throws Exception {
    awaitQuiet();
    last().emit("marker");
    awaitQuiet();
    for (Peer peer : peers) peer.await("marker");
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- broadcast

  @Test
  void broadcastReachesEveryClientOnEveryNode() throws Exception {
    List<Peer> peers = onePerNode();
    io(0).emit("news", "hello", 42);
    for (Peer peer : peers) assertEquals(List.of("hello", 42.0), eventArgs(peer.await("news")));
  }

  @Test
  void roomsAndExceptSelectAcrossNodes() throws Exception {
    List<Peer> peers = onePerNode();
    Peer outsider = new Peer(0);
    List<Peer> all = new ArrayList<>(peers);
    all.add(outsider);
    for (Peer peer : peers) peer.socket().join("blue");
    Peer excepted = peers.get(peers.size() - 1);
    excepted.socket().join("muted");
    io(0).to("blue").except("muted").emit("paint", "blue");
    barrier(all);
    for (Peer peer : peers) {
      boolean expected = peer != excepted;
      assertEquals(expected, peer.events().contains("paint"), "peer on node " + peer.node);
    }
    assertFalse(outsider.events().contains("paint"), "not in the room");
  }

  @Test
  void aSocketsOwnRoomReachesItOnItsNode() throws Exception {
    List<Peer> peers = onePerNode();
    Peer target = peers.get(peers.size() - 1);
    io(0).to(target.sid).emit("private", "for you");
    barrier(peers);
    for (Peer peer : peers) assertEquals(peer == target, peer.events().contains("private"));
  }

  @Test
  void localBroadcastStaysOnItsNode() throws Exception {
    List<Peer> peers = onePerNode();
    io(0).local().emit("here-only");
    barrier(peers);
    for (Peer peer : peers) assertEquals(peer.node == 0, peer.events().contains("here-only"), "node " + peer.node);
  }

  @Test
  void socketBroadcastLeavesOutTheSender() throws Exception {
    List<Peer> peers = onePerNode();
    Peer sender = peers.get(0);
    sender.socket().broadcast().emit("from-sender");
    barrier(peers);
    for (Peer peer : peers) assertEquals(peer != sender, peer.events().contains("from-sender"));
  }

  // ---------------------------------------------------------------- broadcast with acknowledgements

  @Test
  void emitWithAckCollectsEveryClientOnEveryNode() throws Exception {
    List<Peer> peers = onePerNode();
    CompletableFuture<List<Object>> answers = io(0).timeout(Duration.ofSeconds(5)).emitWithAck("question");
    for (Peer peer : peers) peer.answer("question", peer.sid);
    awaitQuiet();
    Set<Object> expected = new HashSet<>();
    for (Peer peer : peers) expected.add(peer.sid);
    assertEquals(expected, new HashSet<>(get(answers)));
    assertEquals(peers.size(), get(answers).size());
  }

  @Test
  void emitWithAckToNobodyCompletesEmpty() throws Exception {
    onePerNode();
    assertEquals(List.of(), get(io(0).to("nobody-here").timeout(Duration.ofSeconds(5)).emitWithAck("question")));
  }

  @Test
  void emitWithAckTimesOutWhenAClientDoesNotAnswer() throws Exception {
    List<Peer> peers = onePerNode();
    CompletableFuture<List<Object>> answers = io(0).timeout(Duration.ofSeconds(2)).emitWithAck("question");
    Peer silent = peers.get(peers.size() - 1);
    for (Peer peer : peers) {
      if (peer != silent) peer.answer("question", peer.sid);
      else peer.await("question");
    }
    awaitQuiet();
    assertFalse(answers.isDone(), "still waiting for the silent client");
    clock.advance(Duration.ofSeconds(2));
    ExecutionException e = assertThrows(ExecutionException.class, () -> answers.get(10, TimeUnit.SECONDS));
    assertInstanceOf(AckTimeoutException.class, e.getCause());
    assertTrue(e.getCause().getMessage().startsWith((peers.size() - 1) + " of " + peers.size()), e.getCause().getMessage());
  }

  // ---------------------------------------------------------------- sockets across nodes

  @Test
  void fetchSocketsFindsSocketsOnEveryNode() throws Exception {
    List<Peer> peers = onePerNode();
    for (Peer peer : peers) {
      peer.socket().join("team");
      peer.socket().data().put("name", "peer-" + peer.node);
    }
    new Peer(0); // not in the room
    List<RemoteSocket> found = get(io(0).in("team").fetchSockets());
    Set<String> ids = new HashSet<>();
    for (RemoteSocket socket : found) {
      ids.add(socket.id());
      assertTrue(socket.rooms().containsAll(Set.of(socket.id(), "team")), socket.rooms().toString());
      assertTrue(String.valueOf(socket.data().get("name")).startsWith("peer-"));
      assertEquals("127.0.0.1", socket.handshake().address());
    }
    Set<String> expected = new HashSet<>();
    for (Peer peer : peers) expected.add(peer.sid);
    assertEquals(expected, ids);
  }

  @Test
  void remoteSocketsEmitJoinLeaveAndDisconnectOnTheirNode() throws Exception {
    List<Peer> peers = onePerNode();
    Peer target = peers.get(peers.size() - 1);
    RemoteSocket remote = null;
    for (RemoteSocket socket : get(io(0).fetchSockets())) if (socket.id().equals(target.sid)) remote = socket;
    assertTrue(remote != null, "the target was fetched");

    remote.emit("direct", "hi");
    assertEquals(List.of("hi"), eventArgs(target.await("direct")));

    remote.join("vip");
    awaitQuiet();
    assertTrue(target.socket().rooms().contains("vip"));
    remote.leave("vip");
    awaitQuiet();
    assertFalse(target.socket().rooms().contains("vip"));

    remote.disconnect(false);
    awaitQuiet();
    assertEquals("1", target.await(text -> text.equals("1")));
    assertFalse(target.socket() != null && target.socket().connected());
  }

  @Test
  void socketsJoinLeaveAndDisconnectSpanTheCluster() throws Exception {
    List<Peer> peers = onePerNode();
    io(0).socketsJoin("everyone");
    awaitQuiet();
    for (Peer peer : peers) assertTrue(peer.socket().rooms().contains("everyone"), "node " + peer.node);
    Peer target = peers.get(peers.size() - 1);
    io(0).in(target.sid).socketsLeave("everyone");
    awaitQuiet();
    for (Peer peer : peers) assertEquals(peer != target, peer.socket().rooms().contains("everyone"));

    io(0).in("everyone").disconnectSockets(false);
    awaitQuiet();
    for (Peer peer : peers) {
      if (peer == target) assertTrue(peer.socket().connected());
      else assertEquals("1", peer.await(text -> text.equals("1")));
    }
  }

  // ---------------------------------------------------------------- other servers

  @Test
  void serverCountCountsEveryNode() throws Exception {
    for (int i = 0; i < nodes(); i++) assertEquals(nodes(), get(io(i).serverCount()), "seen from node " + i);
  }

  @Test
  void serverSideEmitReachesEveryOtherNode() throws Exception {
    List<CompletableFuture<List<Object>>> heard = new ArrayList<>();
    for (int i = 0; i < nodes(); i++) {
      CompletableFuture<List<Object>> got = new CompletableFuture<>();
      heard.add(got);
      io(i).onServerSideEmit("hello", (args, ack) -> got.complete(args));
    }
    io(0).serverSideEmit("hello", "from", 0);
    awaitQuiet();
    for (int i = 1; i < nodes(); i++) assertEquals(List.of("from", 0L), get(heard.get(i)).stream()
        .map(v -> v instanceof Number n ? (Object) n.longValue() : v).toList(), "node " + i);
    assertFalse(heard.get(0).isDone(), "the sender does not hear itself");
  }

  @Test
  void serverSideEmitWithAckGetsOneAnswerPerOtherNode() throws Exception {
    for (int i = 0; i < nodes(); i++) {
      String name = "node-" + i;
      io(i).onServerSideEmit("hello", (args, ack) -> ack.send(name));
    }
    List<Object> answers = new ArrayList<>(get(io(0).timeout(Duration.ofSeconds(2)).serverSideEmitWithAck("hello")));
    Collections.sort(answers, (a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
    List<Object> expected = new ArrayList<>();
    for (int i = 1; i < nodes(); i++) expected.add("node-" + i);
    assertEquals(expected, answers);
  }

  @Test
  void reservedAndEmptyNamesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> io(0).serverSideEmit(""));
    AtomicReference<Throwable> error = new AtomicReference<>();
    try {
      io(0).emit("disconnect");
    } catch (IllegalArgumentException e) {
      error.set(e);
    }
    assertTrue(error.get() != null);
  }
}
