package dev.belay.examples;

import dev.belay.Server;
import dev.belay.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The chat example, server side: rooms, nicknames, a typing indicator, who is online and on which
 * transport, the last 50 messages of a room for late joiners, and delivery ticks (one tick: the
 * server acknowledged the message; two: everyone who was in the room when it was sent sent back a
 * {@code received} receipt). The page is {@code resources/dev/belay/examples/chat/}.
 *
 * <p>Room messages go out as plain broadcasts, never acknowledged ones, so that on a server with
 * connection state recovery a tab whose network dropped gets the ones it missed, in order, when it
 * comes back (acknowledged broadcasts are not kept for replay). A recovered socket keeps its name
 * and room.
 *
 * <pre>{@code
 * Server io = new Server(ServerOptions.builder()
 *     .connectionStateRecovery(ConnectionStateRecovery.defaults()).build());
 * new ChatServer(io);
 * }</pre>
 */
public final class ChatServer {
  /** Class-path folder of the page. */
  public static final String PAGES = "dev/belay/examples/chat/";
  static final List<String> DEFAULT_ROOMS = List.of("general", "random");
  static final int HISTORY_SIZE = 50;
  static final int MAX_ROOMS = 100;
  /** How long a message waits for its receipts: as long as a recovering tab may stay away. */
  static final Duration RECEIPT_WINDOW = Duration.ofMinutes(2);
  static final int MAX_PENDING_RECEIPTS = 10_000;
  private static final String RECEIVED_ELSEWHERE = "chat:received";
  /** What {@link #idPrefix} plus a count looks like. */
  private static final Pattern MESSAGE_ID = Pattern.compile("m[0-9a-z]{1,13}-[0-9]{1,19}");

  /** A chat message as every client sees it. */
  record Message(String id, String room, String from, String text, long at) {}

  private final Server io;
  // room -> its last HISTORY_SIZE messages, oldest first; each deque is guarded by itself.
  private final Map<String, Deque<Message>> history = new ConcurrentHashMap<>();
  private final AtomicLong messageCount = new AtomicLong();
  // Message ids start with it: unique across the nodes of a cluster, and tells whose receipts these are.
  private final String idPrefix = "m" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36) + "-";
  // File sharing in rooms (large-data transfers); thread-safe.
  private final ChatFiles files;
  private final DeliveryReceipts receipts = new DeliveryReceipts(RECEIPT_WINDOW, MAX_PENDING_RECEIPTS, System::nanoTime);

  public ChatServer(Server io) {
    this.io = io;
    this.files = new ChatFiles(io);
    DEFAULT_ROOMS.forEach(room -> history.put(room, new ArrayDeque<>()));
    io.on("connection", this::welcome);
    // A receipt that reached another node of a cluster, for a message this node sent.
    io.onServerSideEmit(RECEIVED_ELSEWHERE, (args, ack) -> {
      if (args.size() == 2 && args.get(0) instanceof String id && args.get(1) instanceof String from) receipt(id, from);
    });
  }

  private void welcome(Socket socket) {
    // A recovered socket got its data back: it keeps its name (a guest's random one too).
    if (!socket.recovered() || !(socket.data().get("name") instanceof String)) {
      socket.data().put("name", nickname(socket.handshake().auth().get("name")));
    }
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
      Message message = new Message(idPrefix + messageCount.incrementAndGet(), (String) room,
          (String) socket.data().get("name"), text, System.currentTimeMillis());
      remember(message);
      ack.send(message); // first tick: the server has it
      receipts.sent(message.id(), socket.id());
      socket.to(message.room()).emit("message", message); // plain, so kept for recovering tabs
      // Second tick: everyone else in the room now (on any node) sent a receipt.
      socket.to(message.room()).fetchSockets().thenAccept(recipients -> {
        Set<String> ids = new HashSet<>();
        recipients.forEach(r -> ids.add(r.id()));
        delivered(message.id(), receipts.recipients(message.id(), ids));
      });
    });

    socket.on("received", (args, ack) -> {
      String id = clean(args.isEmpty() ? null : args.get(0), 64);
      if (!MESSAGE_ID.matcher(id).matches()) return; // not one of ours: nothing to count, nothing to pass on
      if (id.startsWith(idPrefix)) receipt(id, socket.id());
      else io.serverSideEmit(RECEIVED_ELSEWHERE, id, socket.id()); // another node sent it, or nobody
    });

    files.install(socket);
    socket.onDisconnect(reason -> publishPresence());
    publishPresence();
  }

  private void receipt(String messageId, String recipientId) {
    delivered(messageId, receipts.received(messageId, recipientId));
  }

  /**
   * Tells the sender that everyone has the message, through the room of its socket id: that
   * reaches it on whichever node it is, is kept for it while it recovers, and carries an offset
   * like every other event (a direct {@code socket.emit} with a string as last argument would be
   * taken for one by the client).
   */
  private void delivered(String messageId, String senderId) {
    if (senderId != null) io.to(senderId).emit("delivered", messageId);
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
