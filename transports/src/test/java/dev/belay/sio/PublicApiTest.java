package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.ConnectError;
import dev.belay.DisconnectReason;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import dev.belay.engine.Cors;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A small chat written the way an application would, with the public API only (this package is
 * outside {@code dev.belay}), driven by the official Java client.
 */
class PublicApiTest {
  record Say(String room, String text) {}

  record Said(String from, String text) {}

  private final BlockingQueue<String> serverLog = new LinkedBlockingQueue<>();
  private final Server io = new Server(ServerOptions.builder()
      .engine(EngineOptions.builder().cors(Cors.anyOrigin()).pingInterval(Duration.ofSeconds(1)).build())
      .ackTimeout(Duration.ofSeconds(5))
      .build());
  private final Listening http;

  PublicApiTest() {
    io.use((socket, next) -> {
      Object name = socket.handshake().auth().get("name");
      if (name instanceof String n && !n.isBlank()) {
        socket.data().put("name", n);
        next.proceed();
      } else {
        next.fail(new ConnectError("name required", Map.of("field", "name")));
      }
    });

    io.on("connection", socket -> {
      String name = (String) socket.data().get("name");
      socket.on("join", String.class, (room, ack) -> {
        socket.join(room);
        socket.to(room).emit("joined", name);
        ack.send(socket.rooms().contains(room));
      });
      socket.on("say", Say.class, (say, ack) -> {
        io.to(say.room()).emit("said", new Said(name, say.text()));
        ack.send("ok");
      });
      socket.on("whoami", (args, ack) -> socket.timeout(Duration.ofSeconds(2)).emitWithAck("confirm", name)
          .thenAccept(reply -> ack.send(name, reply.get(0))));
      socket.onDisconnecting(reason -> socket.rooms().stream()
          .filter(room -> !room.equals(socket.id()))
          .forEach(room -> socket.to(room).emit("left", name)));
      socket.onDisconnect(reason -> serverLog.add(name + " " + reason.text()));
    });

    http = io.listen("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    io.close();
  }

  private String url() {
    return "http://127.0.0.1:" + http.port();
  }

  private Socket user(String name, BlockingQueue<String> inbox) {
    Socket socket = JavaClient.create(url(), options -> options.auth = Map.of("name", name));
    socket.onAnyIncoming(args -> {
      if (!"confirm".equals(args[0])) inbox.add(args[0] + " " + (args.length > 1 ? args[1] : ""));
    });
    socket.on("confirm", args -> ((io.socket.client.Ack) args[args.length - 1]).call("yes, " + args[0]));
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.connect();
    Await.get(connected, name + " to connect");
    return socket;
  }

  @Test
  void chat() throws Exception {
    BlockingQueue<String> aliceInbox = new LinkedBlockingQueue<>();
    BlockingQueue<String> bobInbox = new LinkedBlockingQueue<>();
    Socket alice = user("alice", aliceInbox);
    Socket bob = user("bob", bobInbox);

    assertEquals(true, JavaClient.emitWithAck(alice, "join", "kitchen")[0]);
    assertEquals(true, JavaClient.emitWithAck(bob, "join", "kitchen")[0]);
    assertEquals("joined bob", Await.take(aliceInbox, "alice to hear bob join"));

    Object[] ack = JavaClient.emitWithAck(bob, "say", new JSONObject().put("room", "kitchen").put("text", "hi all"));
    assertEquals("ok", ack[0]);
    for (BlockingQueue<String> inbox : List.of(aliceInbox, bobInbox)) {
      String said = Await.take(inbox, "the chat line");
      assertTrue(said.startsWith("said "), said);
      JSONObject line = new JSONObject(said.substring("said ".length()));
      assertEquals("bob", line.getString("from"));
      assertEquals("hi all", line.getString("text"));
    }

    Object[] whoami = JavaClient.emitWithAck(alice, "whoami");
    assertEquals("alice", whoami[0]);
    assertEquals("yes, alice", whoami[1]);

    bob.disconnect();
    assertEquals("left bob", Await.take(aliceInbox, "alice to hear bob leave"));
    assertEquals("bob " + DisconnectReason.CLIENT_NAMESPACE_DISCONNECT.text(), Await.take(serverLog, "bob's disconnect"));
    alice.close();
  }

  @Test
  void middlewareRefusesAnonymousUsers() throws Exception {
    Socket anonymous = JavaClient.create(url(), options -> { });
    CompletableFuture<Object> error = new CompletableFuture<>();
    anonymous.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0]));
    anonymous.connect();
    JSONObject refusal = (JSONObject) Await.get(error, "connect_error");
    assertEquals("name required", refusal.getString("message"));
    assertEquals("name", refusal.getJSONObject("data").getString("field"));
    anonymous.close();
  }
}
