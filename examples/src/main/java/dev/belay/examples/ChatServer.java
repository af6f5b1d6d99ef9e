package dev.belay.examples;

import dev.belay.Server;
import dev.belay.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat example, server side: rooms, nicknames, a typing indicator, who is online and on which
 * transport, the last 50 messages of a room for late joiners, and delivery ticks from
 * acknowledgements (one tick: the server has the message; two: everyone in the room has it).
 * The page is {@code resources/dev/belay/examples/chat/}.
 *
 * <pre>{@code
 * Server io = new Server();
 * new ChatServer(io);
 * }</pre>
 */
public final class ChatServer {
  /** Class-path folder of the page. */
  public static final String PAGES = "dev/belay/examples/chat/";
  static final List<String> DEFAULT_ROOMS = List.of("general", "random");
  static final int HISTORY_SIZE = 50;
  static final int MAX_ROOMS = 100;

  /** A chat message as every client sees it. */
  record Message(String id, String room, String from, String text, long at) {}

  private final Server io;
  // room -> its last HISTORY_SIZE messages, oldest first; each deque is guarded by itself.
  private final Map<String, Deque<Message>> history = new ConcurrentHashMap<>();
  private final AtomicLong messageCount = new AtomicLong();

  public ChatServer(Server io) {
    this.io = io;
    DEFAULT_ROOMS.forEach(room -> history.put(room, new ArrayDeque<>()));
    io.on("connection", this::welcome);
  }

  private void welcome(Socket socket) {
    socket.data().put("name", nickname(socket.handshake().auth().get("name")));
    // The transport can change under a connected socket (polling -> websocket): show it.
    socket.conn().onUpgrade(transport -> publishPresence());

    socket.on("join", (args, ack) -> {
      String room = clean(args.isEmpty() ? null : args.get(0), 30);
      if (room.isEmpty() || (!history.containsKey(room) && history.size() >= MAX_ROOMS)) {
        ack.send(Map.of("error", "cannot join that room"));
        return;
      }
      leaveRoom(socket);
      socket.join(room);
      socket.data().put("room", room);
      ack.send(Map.of("room", room, "history", historyOf(room)));
      publishPresence();
    });

    socket.on("leave", (args, ack) -> {
      leaveRoom(socket);
      ack.send();
      publishPresence();
    });

    socket.on("typing", (args, ack) -> {
      Object room = socket.data().get("room");
      boolean typing = !args.isEmpty() && Boolean.TRUE.equals(args.get(0));
      if (room != null) socket.to((String) room).emit("typing", socket.data().get("name"), typing);
    });

    socket.on("message", (args, ack) -> {
      Object room = socket.data().get("room");
      String text = clean(args.isEmpty() ? null : args.get(0), 2000);
      if (room == null || text.isEmpty()) return;
      Message message = new Message("m" + messageCount.incrementAndGet(), (String) room,
          (String) socket.data().get("name"), text, System.currentTimeMillis());
      remember(message);
      ack.send(message); // first tick: the server has it
      socket.to(message.room()).timeout(Duration.ofSeconds(10)).emitWithAck("message", message)
          .thenAccept(receipts -> { // second tick: everyone else in the room acknowledged it
            if (!receipts.isEmpty()) socket.emit("delivered", message.id());
          });
    });

    socket.onDisconnect(reason -> publishPresence());
    publishPresence();
  }

  private void leaveRoom(Socket socket) {
    Object room = socket.data().remove("room");
    if (room != null) socket.leave((String) room);
  }

  private void remember(Message message) {
    Deque<Message> messages = history.computeIfAbsent(message.room(), r -> new ArrayDeque<>());
    synchronized (messages) {
      messages.addLast(message);
      if (messages.size() > HISTORY_SIZE) messages.removeFirst();
    }
  }

  private List<Message> historyOf(String room) {
    Deque<Message> messages = history.computeIfAbsent(room, r -> new ArrayDeque<>());
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  /**
   * Tells everyone who is online (name, room, transport) and how many people each room has.
   * Synchronized so that two snapshots taken in one order are also sent in that order.
   */
  private synchronized void publishPresence() {
    List<Map<String, Object>> online = new ArrayList<>();
    Map<String, Integer> rooms = new TreeMap<>();
    history.keySet().forEach(room -> rooms.put(room, 0));
    for (Socket s : io.sockets().sockets().values()) {
      String room = (String) s.data().getOrDefault("room", "");
      online.add(Map.of("id", s.id(), "name", s.data().get("name"), "room", room, "transport", s.transport()));
      if (!room.isEmpty()) rooms.merge(room, 1, Integer::sum);
    }
    List<Map<String, Object>> roomList = new ArrayList<>();
    rooms.forEach((name, members) -> roomList.add(Map.of("name", name, "members", members)));
    io.emit("presence", Map.of("online", online, "rooms", roomList));
  }

  private static String nickname(Object asked) {
    String name = clean(asked, 24);
    return name.isEmpty() ? "guest-" + ThreadLocalRandom.current().nextInt(100, 1000) : name;
  }

  /** A client's string, trimmed and cut to {@code max} characters; anything else is "". */
  private static String clean(Object value, int max) {
    if (!(value instanceof String s)) return "";
    String trimmed = s.strip();
    return trimmed.length() <= max ? trimmed : trimmed.substring(0, max);
  }
}
