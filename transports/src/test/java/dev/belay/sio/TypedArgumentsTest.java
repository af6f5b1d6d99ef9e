package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.testing.Await;
import io.socket.client.Ack;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listeners over several typed arguments, and a typed emitWithAck, with the official Java client. */
class TypedArgumentsTest {
  record Move(int x, int y) {}

  record Player(String name) {}

  record Answer(String text, int score) {}

  private final CompletableFuture<Answer> answered = new CompletableFuture<>();
  private final SioServer server = SioServer.start(io -> io.on("connection", socket -> {
    socket.on("move", Move.class, Player.class, (move, player, ack) ->
        ack.send(player.name() + " to " + move.x() + "," + move.y()));
    socket.on("trade", Player.class, String.class, Integer.class, (from, item, price, ack) ->
        ack.send(from.name(), item, price * 2));
    socket.on("ask-me", (args, ack) -> socket.timeout(Duration.ofSeconds(5))
        .emitWithAck(Answer.class, "question", "how?")
        .whenComplete((answer, error) -> {
          if (error != null) answered.completeExceptionally(error);
          else answered.complete(answer);
        }));
  }));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void twoAndThreeTypedArgumentsFromTheClient() throws Exception {
    Socket client = JavaClient.connect(server.url());
    try {
      Object[] moved = JavaClient.emitWithAck(client, "move",
          new JSONObject().put("x", 3).put("y", 4), new JSONObject().put("name", "ann"));
      assertArrayEquals(new Object[] {"ann to 3,4"}, moved);
      Object[] traded = JavaClient.emitWithAck(client, "trade", new JSONObject().put("name", "bob"), "sword", 21);
      assertArrayEquals(new Object[] {"bob", "sword", 42}, traded);
    } finally {
      client.close();
    }
  }

  @Test
  void theClientsAnswerArrivesTyped() throws Exception {
    Socket client = JavaClient.create(server.url(), options -> {});
    client.on("question", args -> {
      try {
        ((Ack) args[args.length - 1]).call(new JSONObject().put("text", "like " + args[0]).put("score", 7));
      } catch (org.json.JSONException e) {
        throw new AssertionError(e);
      }
    });
    CompletableFuture<Void> connected = new CompletableFuture<>();
    client.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    client.connect();
    try {
      Await.get(connected, "connect");
      client.emit("ask-me");
      assertEquals(new Answer("like how?", 7), Await.get(answered, "the typed answer"));
    } finally {
      client.close();
    }
  }
}
