package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.belay.admin.AdminUi;
import dev.belay.admin.AdminUiOptions;
import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Admin UI's protocol on {@code /admin}, spoken by the official Java client the way the UI
 * (the official JavaScript client) speaks it: login with a bcrypt password, the socket list with
 * transports, rooms and events as they happen, the actions, and read-only mode.
 */
class AdminUiTest {
  /** "s3cret" hashed by bcryptjs, the library the Node admin server uses. */
  private static final String BCRYPTJS_HASH = "$2a$04$J/0CV2Q76OjGHp7/ZNIy9.2Cv1Twr/3nIiq.dvNUyqeOpPguxu126";

  private SioServer server;
  private final List<Socket> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(Socket::close);
    if (server != null) server.close();
  }

  private void start(AdminUiOptions options) {
    server = SioServer.start(io -> {
      io.on("connection", socket -> {
        socket.on("join", (args, ack) -> {
          socket.join((String) args.get(0));
          ack.send("joined");
        });
        socket.on("hello", (args, ack) -> socket.emit("hi", args.get(0)));
      });
      AdminUi.install(io, options);
    });
  }

  private Socket client(String transport) {
    Socket socket = JavaClient.connect(server.url(), o -> o.transports = new String[] {transport});
    clients.add(socket);
    return socket;
  }

  /** An admin client recording every event it gets as [event, args...]. */
  private record Admin(Socket socket, BlockingQueue<Object[]> inbox) {
    /** Waits for the next {@code event} whose first argument passes {@code test}, skipping others. */
    Object[] next(String event, Predicate<Object[]> test) {
      while (true) {
        Object[] got = Await.take(inbox, "the admin client to get " + event);
        if (got[0].equals(event) && test.test(got)) return got;
      }
    }

    Object[] next(String event) {
      return next(event, args -> true);
    }
  }

  private Admin admin(Map<String, String> auth) {
    BlockingQueue<Object[]> inbox = new LinkedBlockingQueue<>();
    Socket socket = JavaClient.create(server.url() + "/admin", o -> o.auth = auth);
    socket.onAnyIncoming(args -> inbox.add(args));
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new IllegalStateException(String.valueOf(((JSONObject) args[0]).opt("message")))));
    socket.connect();
    clients.add(socket);
    Await.get(connected, "the admin client to connect");
    return new Admin(socket, inbox);
  }

  private static List<Object> list(JSONArray array) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < array.length(); i++) out.add(array.opt(i));
    return out;
  }

  private static List<String> features(Admin admin) {
    JSONArray list = ((JSONObject) admin.next("config")[1]).optJSONArray("supportedFeatures");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.length(); i++) out.add(list.optString(i));
    return out;
  }

  @Test
  void basicAuthRefusesAWrongPasswordAndGivesASessionForTheRightOne() {
    start(AdminUiOptions.basicAuth("admin", BCRYPTJS_HASH).build());
    String refusal = connectError(Map.of("username", "admin", "password", "wrong"));
    assertEquals("invalid credentials", refusal);
    assertEquals("invalid credentials", connectError(Map.of("username", "root", "password", "s3cret")));
    assertEquals("invalid credentials", connectError(Map.of()));

    Admin admin = admin(Map.of("username", "admin", "password", "s3cret"));
    String session = (String) admin.next("session")[1];
    assertTrue(features(admin).contains("DISCONNECT"));
    // A reload of the UI comes back with the session id alone.
    Admin again = admin(Map.of("sessionId", session));
    assertTrue(features(again).contains("ALL_EVENTS"));
    assertEquals("invalid credentials", connectError(Map.of("sessionId", "not-a-session")));
  }

  @Test
  void acceptsTheHashesOfOtherBcrypts() {
    String hash2y = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "pw".toCharArray());
    start(AdminUiOptions.basicAuth("admin", hash2y).build());
    admin(Map.of("username", "admin", "password", "pw"));
    assertThrows(IllegalArgumentException.class, () -> AdminUiOptions.basicAuth("admin", "pw").build());
  }

  private String connectError(Map<String, String> auth) {
    CompletableFuture<String> error = new CompletableFuture<>();
    Socket socket = JavaClient.create(server.url() + "/admin", o -> o.auth = auth);
    socket.once(Socket.EVENT_CONNECT, args -> error.complete("connected"));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(String.valueOf(((JSONObject) args[0]).opt("message"))));
    socket.connect();
    clients.add(socket);
    return Await.get(error, "the admin client's connect_error");
  }

  @Test
  void showsSocketsRoomsAndEventsAndDisconnectsOne() throws Exception {
    start(AdminUiOptions.noAuth().build());
    Socket ws = client("websocket");
    Socket polling = client("polling");
    Admin admin = admin(Map.of());
    assertEquals(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS",
        "ALL_EVENTS"), features(admin));

    JSONArray all = (JSONArray) admin.next("all_sockets")[1];
    Map<String, JSONObject> byId = new java.util.HashMap<>();
    for (int i = 0; i < all.length(); i++) byId.put(all.optJSONObject(i).optString("id"), all.optJSONObject(i));
    assertEquals("websocket", byId.get(ws.id()).optString("transport"));
    assertEquals("polling", byId.get(polling.id()).optString("transport"));
    JSONObject wsView = byId.get(ws.id());
    assertEquals("/", wsView.optString("nsp"));
    assertEquals(List.of(ws.id()), list(wsView.optJSONArray("rooms")));
    assertEquals("127.0.0.1", wsView.optJSONObject("handshake").optString("address"));
    assertTrue(wsView.optJSONObject("handshake").optJSONObject("headers").has("host"));
    assertEquals("4", wsView.optJSONObject("handshake").optJSONObject("query").optString("EIO"));
    assertEquals(3, all.length(), "the two clients and the admin itself: " + all);

    assertEquals("joined", JavaClient.emitWithAck(ws, "join", "red")[0]);
    Object[] joined = admin.next("room_joined", args -> "red".equals(args[2]));
    assertEquals("/", joined[1]);
    assertEquals(ws.id(), joined[3]);

    ws.emit("hello", "world");
    Object[] received = admin.next("event_received", args -> ws.id().equals(args[2]));
    assertEquals(List.of("hello", "world"), list((JSONArray) received[3]));
    Object[] sent = admin.next("event_sent", args -> ws.id().equals(args[2]));
    assertEquals(List.of("hi", "world"), list((JSONArray) sent[3]));

    JSONObject stats = (JSONObject) admin.next("server_stats", args -> ((JSONObject) args[1]).optInt("clientsCount") == 3)[1];
    assertEquals(1, stats.optInt("pollingClientsCount"));
    assertTrue(stats.optLong("pid") > 0);

    String wsId = ws.id(); // the client forgets it once disconnected
    CompletableFuture<String> gone = new CompletableFuture<>();
    ws.on(Socket.EVENT_DISCONNECT, args -> gone.complete(String.valueOf(args[0])));
    Object[] answer = JavaClient.emitWithAck(admin.socket(), "_disconnect", "/", false, ws.id());
    assertEquals(true, ((JSONObject) answer[0]).optBoolean("ok"));
    assertEquals("io server disconnect", Await.get(gone, "the client to be disconnected"));
    Object[] left = admin.next("room_left", args -> "red".equals(args[2]));
    assertEquals(wsId, left[3]);
    Object[] disconnected = admin.next("socket_disconnected", args -> wsId.equals(args[2]));
    assertEquals("server namespace disconnect", disconnected[3]);
    assertTrue(polling.connected());
  }

  @Test
  void readonlyRefusesEveryAction() {
    start(AdminUiOptions.noAuth().readonly(true).build());
    Socket ws = client("websocket");
    Admin admin = admin(Map.of());
    assertEquals(List.of("AGGREGATED_EVENTS", "ALL_EVENTS"), features(admin));
    for (Object[] action : List.of(new Object[] {"_disconnect", "/", true, ws.id()}, new Object[] {"join", "/", "x", ws.id()},
        new Object[] {"emit", "/", ws.id(), "hi", "from admin"})) {
      Object[] answer = JavaClient.emitWithAck(admin.socket(), (String) action[0],
          java.util.Arrays.copyOfRange(action, 1, action.length));
      assertEquals("readonly", ((JSONObject) answer[0]).optString("error"));
    }
    // Each refusal was answered after the action's handler ran: nothing happened to the client.
    assertEquals("joined", JavaClient.emitWithAck(ws, "join", "y")[0]);
    assertTrue(ws.connected());
    assertEquals(List.of(ws.id(), "y"), List.copyOf(server.server.sockets().sockets().get(ws.id()).rooms()));
  }

  @Test
  void nonsenseActionsAreAnsweredAndChangeNothing() {
    start(AdminUiOptions.noAuth().build());
    Socket ws = client("websocket");
    Admin admin = admin(Map.of());
    Object[] reserved = JavaClient.emitWithAck(admin.socket(), "emit", "/", ws.id(), "disconnect");
    assertEquals("\"disconnect\" is a reserved event name", ((JSONObject) reserved[0]).optString("error"));
    for (Object[] action : List.of(new Object[] {"join", 42, JSONObject.NULL}, new Object[] {"join", "/nowhere", "x"},
        new Object[] {"leave"}, new Object[] {"_disconnect", "/nowhere", true}, new Object[] {"emit", "/", "", 7})) {
      Object[] answer = JavaClient.emitWithAck(admin.socket(), (String) action[0],
          java.util.Arrays.copyOfRange(action, 1, action.length));
      assertTrue(((JSONObject) answer[0]).optBoolean("ok"), java.util.Arrays.toString(action));
    }
    assertTrue(ws.connected());
    assertEquals(List.of(ws.id()), List.copyOf(server.server.sockets().sockets().get(ws.id()).rooms()));
    Set<String> names = new java.util.TreeSet<>();
    server.server.namespaces().forEach(nsp -> names.add(nsp.name()));
    assertEquals(Set.of("/", "/admin"), names, "the UI never creates a namespace");
  }

  @Test
  void productionModeSendsNoSocketListButStatistics() {
    start(AdminUiOptions.noAuth().mode(AdminUiOptions.Mode.PRODUCTION).build());
    client("polling");
    Admin admin = admin(Map.of());
    assertFalse(features(admin).contains("ALL_EVENTS"));
    JSONObject stats = (JSONObject) admin.next("server_stats")[1];
    assertEquals(2, stats.optInt("clientsCount"));
    admin.inbox().forEach(event -> assertFalse(event[0].equals("all_sockets")));
  }
}
