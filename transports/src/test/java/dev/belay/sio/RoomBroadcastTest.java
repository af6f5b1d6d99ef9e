package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.RemoteSocket;
import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Room broadcasts reach every client in the room and no other. "Did not receive" is proven
 * without waiting: each client gets a final broadcast to everyone (a sentinel), and since one
 * client's packets arrive in order, whatever it has not received before the sentinel it never will.
 */
class RoomBroadcastTest {
  private final SioServer server = SioServer.start(io -> io.on("connection", socket -> {
    socket.on("join", (args, ack) -> {
      socket.join((String) args.get(0));
      ack.send("joined");
    });
    socket.on("shout", (args, ack) -> socket.to((String) args.get(0)).emit("shout", args.get(1)));
    socket.on("news-to", (args, ack) -> {
      io.to((String) args.get(0)).emit("news", args.get(1));
      ack.send();
    });
    socket.on("sentinel-please", (args, ack) -> {
      io.emit("sentinel");
      ack.send();
    });
  }));
  private final List<Socket> clients = new ArrayList<>();
  private final List<BlockingQueue<String>> inboxes = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(Socket::close);
    server.close();
  }

  /** Connects a client that records "event:arg" for every event it gets, and joins {@code room}. */
  private int client(String room) {
    Socket socket = JavaClient.connect(server.url());
    BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    socket.onAnyIncoming(args -> inbox.add(args[0] + ":" + (args.length > 1 ? args[1] : "")));
    assertEquals("joined", JavaClient.emitWithAck(socket, "join", room)[0]);
    clients.add(socket);
    inboxes.add(inbox);
    return clients.size() - 1;
  }

  /** What client {@code i} received up to the sentinel. */
  private List<String> receivedUntilSentinel(int i) {
    List<String> received = new ArrayList<>();
    while (true) {
      String event = Await.take(inboxes.get(i), "client " + i + " to receive the sentinel");
      if (event.equals("sentinel:")) return received;
      received.add(event);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket"})
  void nodeClients(String mode) {
    NodeClient.run("sio-rooms.mjs", server.url(), mode);
  }

  @Test
  void serverBroadcastToARoom() throws Exception {
    int red1 = client("red");
    int red2 = client("red");
    int red3 = client("red");
    int blue1 = client("blue");
    int blue2 = client("blue");

    server.server.to("red").emit("news", "for red");
    server.server.except("red").emit("news", "for the rest");
    server.server.emit("sentinel");

    for (int red : List.of(red1, red2, red3)) assertEquals(List.of("news:for red"), receivedUntilSentinel(red));
    for (int blue : List.of(blue1, blue2)) assertEquals(List.of("news:for the rest"), receivedUntilSentinel(blue));

    List<RemoteSocket> inRed = Await.get(server.server.in("red").fetchSockets(), "fetchSockets");
    assertEquals(3, inRed.size());
    Set<String> ids = new TreeSet<>();
    for (RemoteSocket s : inRed) ids.add(s.id());
    Set<String> expected = new TreeSet<>();
    for (int red : List.of(red1, red2, red3)) expected.add(clients.get(red).id());
    assertEquals(expected, ids);
  }

  @Test
  void socketBroadcastSkipsTheSender() {
    int sender = client("red");
    int red2 = client("red");
    int red3 = client("red");
    int blue = client("blue");

    clients.get(sender).emit("shout", "red", "hello reds");
    // The shout is handled on the sender's lane; its ack-less round trip below orders it before the sentinel.
    JavaClient.emitWithAck(clients.get(sender), "join", "red");
    server.server.emit("sentinel");

    assertEquals(List.of(), receivedUntilSentinel(sender));
    assertEquals(List.of("shout:hello reds"), receivedUntilSentinel(red2));
    assertEquals(List.of("shout:hello reds"), receivedUntilSentinel(red3));
    assertEquals(List.of(), receivedUntilSentinel(blue));
  }

  @Test
  void socketsJoinMovesWholeRooms() {
    int red = client("red");
    int blue = client("blue");
    server.server.in("red").socketsJoin("green");
    server.server.to("green").emit("news", "green");
    server.server.in("green").socketsLeave("green");
    server.server.to("green").emit("news", "nobody");
    server.server.emit("sentinel");
    assertEquals(List.of("news:green"), receivedUntilSentinel(red));
    assertEquals(List.of(), receivedUntilSentinel(blue));
  }

  @Test
  void broadcastWithAcksCollectsTheRoomsAnswers() {
    int red1 = client("red");
    int red2 = client("red");
    client("blue");
    for (int red : List.of(red1, red2)) {
      Socket socket = clients.get(red);
      socket.on("vote", args -> ((io.socket.client.Ack) args[args.length - 1]).call("yes from " + socket.id()));
    }
    List<Object> votes = Await.get(
        server.server.to("red").timeout(java.time.Duration.ofSeconds(5)).emitWithAck("vote", "lunch?"), "the votes");
    assertEquals(Set.of("yes from " + clients.get(red1).id(), "yes from " + clients.get(red2).id()), Set.copyOf(votes));
  }
}
