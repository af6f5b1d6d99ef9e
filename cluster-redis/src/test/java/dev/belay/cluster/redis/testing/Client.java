package dev.belay.cluster.redis.testing;

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

/**
 * The official Java Socket.IO client (io.socket 2.x) connected to one node, WebSocket only, no
 * reconnection; every event it receives is queued by name, and it answers {@code question} with its
 * own id.
 *
 * <pre>{@code
 * try (Client alice = Client.connect(node.url(), "room-1")) {
 *   Object[] args = alice.next("msg");
 * }
 * }</pre>
 */
public final class Client implements AutoCloseable {
  private final Socket socket;
  /** Event name to the arguments received, in order; filled on the client's event thread. */
  private final Map<String, BlockingQueue<Object[]>> received = new ConcurrentHashMap<>();

  private Client(Socket socket) {
    this.socket = socket;
  }

  /** Connects to {@code url} with {@code auth.room = room} (none when null); waits up to 20 s. */
  public static Client connect(String url, String room) {
    IO.Options options = IO.Options.builder()
        .setTransports(new String[] {"websocket"})
        .setReconnection(false)
        .setForceNew(true)
        .setAuth(room == null ? Map.of() : Map.of("room", room))
        .build();
    Socket socket = IO.socket(URI.create(url), options);
    Client client = new Client(socket);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.on(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new AssertionError("connect_error from " + url + ": " + (args.length > 0 ? args[0] : ""))));
    socket.onAnyIncoming(args -> client.queue((String) args[0]).add(java.util.Arrays.copyOfRange(args, 1, args.length)));
    socket.on("question", args -> {
      if (args.length > 0 && args[args.length - 1] instanceof Ack ack) ack.call(socket.id());
    });
    socket.connect();
    try {
      connected.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      socket.close();
      throw new AssertionError("cannot connect to " + url + ": " + e, e);
    }
    return client;
  }

  public String id() {
    return socket.id();
  }

  public boolean connected() {
    return socket.connected();
  }

  /** The next arguments of {@code event}, waiting up to 20 s; fails when none arrive. */
  public Object[] next(String event) {
    try {
      Object[] args = queue(event).poll(20, TimeUnit.SECONDS);
      if (args == null) throw new AssertionError("no '" + event + "' received by " + socket.id() + " within 20 s");
      return args;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Emits {@code event} with {@code args} and waits up to 20 s for the acknowledgement's arguments. */
  public Object[] request(String event, Object... args) {
    CompletableFuture<Object[]> answer = new CompletableFuture<>();
    socket.emit(event, args, (Ack) answer::complete);
    try {
      return answer.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no acknowledgement of '" + event + "' within 20 s: " + e, e);
    }
  }

  /** Completes when the server disconnects this client. */
  public CompletableFuture<String> disconnected() {
    CompletableFuture<String> reason = new CompletableFuture<>();
    socket.on(Socket.EVENT_DISCONNECT, args -> reason.complete(args.length > 0 ? String.valueOf(args[0]) : ""));
    if (!socket.connected()) reason.complete("not connected");
    return reason;
  }

  private BlockingQueue<Object[]> queue(String event) {
    return received.computeIfAbsent(event, e -> new LinkedBlockingQueue<>());
  }

  @Override
  public void close() {
    socket.close();
  }
}
