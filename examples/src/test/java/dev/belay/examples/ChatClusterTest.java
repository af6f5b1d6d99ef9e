package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat as a two-node cluster on a real redis-server, with recovery on, driven by the official
 * Java client: a room spans both nodes, and the sender's second tick ({@code delivered}) comes
 * only once every other member, on either node, sent its {@code received} receipt.
 */
class ChatClusterTest {
  private static ChatCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ChatCluster.start(2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void theSecondTickWaitsForEveryMemberOnEveryNode() throws Exception {
    try (Person alice = Person.enter(url(0), "alice", "general");
        Person dave = Person.enter(url(0), "dave", "general");
        Person bob = Person.enter(url(1), "bob", "general");
        Person carol = Person.enter(url(1), "carol", "random")) {
      String first = alice.say("first");
      assertEquals("first", bob.next("message").getString("text"));
      assertEquals(first, dave.next("message").getString("id"));
      dave.socket.emit("received", first);
      // Bob has not answered for the first yet. Both answer for a second message: its tick comes
      // first, which shows the first one is still waiting for Bob.
      String second = alice.say("second");
      assertEquals(second, bob.next("message").getString("id"));
      assertEquals(second, dave.next("message").getString("id"));
      bob.socket.emit("received", second);
      dave.socket.emit("received", second);
      assertEquals(second, alice.nextArgs("delivered")[0]);
      bob.socket.emit("received", first);
      assertEquals(first, alice.nextArgs("delivered")[0]);
      // Carol, in #random on bob's node, got none of it, and receipts from outside count for nothing.
      carol.socket.emit("received", alice.say("third"));
      bob.socket.emit("received", bob.next("message").getString("id"));
      String fourth = alice.say("fourth");
      bob.socket.emit("received", fourth);
      dave.socket.emit("received", fourth);
      assertEquals(fourth, alice.nextArgs("delivered")[0], "the third still waits for dave");
      assertNull(carol.received.get("message"));
    }
  }

  private static String url(int node) {
    return "http://127.0.0.1:" + cluster.node(node).port();
  }

  /** One chat user on the official Java client: every event queued by name. */
  private static final class Person implements AutoCloseable {
    final Socket socket;
    // Event name -> arguments received, in order; filled on the client's event thread.
    final Map<String, BlockingQueue<Object[]>> received = new ConcurrentHashMap<>();

    private Person(Socket socket) {
      this.socket = socket;
    }

    static Person enter(String url, String name, String room) throws Exception {
      Socket socket = IO.socket(URI.create(url), IO.Options.builder()
          .setTransports(new String[] {"websocket"}).setReconnection(false).setForceNew(true)
          .setAuth(Map.of("name", name)).build());
      Person person = new Person(socket);
      CompletableFuture<Void> connected = new CompletableFuture<>();
      socket.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
      socket.onAnyIncoming(args -> person.received.computeIfAbsent((String) args[0], e -> new LinkedBlockingQueue<>())
          .add(java.util.Arrays.copyOfRange(args, 1, args.length)));
      socket.connect();
      connected.get(20, TimeUnit.SECONDS);
      JSONObject joined = (JSONObject) person.request("join", room);
      assertEquals(room, joined.getString("room"));
      return person;
    }

    /** Sends a message; returns its id once the server acknowledged it (the first tick). */
    String say(String text) throws Exception {
      return ((JSONObject) request("message", text)).getString("id");
    }

    Object request(String event, Object arg) throws Exception {
      CompletableFuture<Object> answer = new CompletableFuture<>();
      socket.emit(event, new Object[] {arg}, (Ack) args -> answer.complete(args.length > 0 ? args[0] : null));
      return answer.get(20, TimeUnit.SECONDS);
    }

    JSONObject next(String event) throws Exception {
      return (JSONObject) nextArgs(event)[0];
    }

    Object[] nextArgs(String event) throws Exception {
      Object[] args = received.computeIfAbsent(event, e -> new LinkedBlockingQueue<>()).poll(20, TimeUnit.SECONDS);
      if (args == null) throw new AssertionError("no '" + event + "' within 20 s");
      return args;
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
