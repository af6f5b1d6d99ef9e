package dev.belay.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.belay.Ack;
import dev.belay.ConnectError;
import dev.belay.Namespace;
import dev.belay.Next;
import dev.belay.Server;
import dev.belay.Socket;
import dev.belay.engine.Cancellable;
import dev.belay.engine.EngineServer;
import dev.belay.engine.EngineStats;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of the Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5.x, Socket.IO's
 * {@code instrument(io, options)}): the UI published in that npm package connects to the admin
 * namespace of a Belay server and shows its statistics, its sockets in every namespace with their
 * transport ({@code polling}, {@code websocket}, or Belay's {@code sse}), rooms and handshake,
 * the room joins and leaves, the events received and sent (in development mode), and can make
 * sockets join or leave rooms, emit to them, or disconnect them (unless read-only).
 *
 * <pre>{@code
 * Server io = new Server();
 * AdminUi.install(io, AdminUiOptions.basicAuth("admin", bcryptHashOfThePassword).build());
 * io.listen(3000);   // then open the Admin UI, server URL http://localhost:3000, user admin
 * // statistics go out every 2 s until io.close() (or admin.close())
 * }</pre>
 *
 * <p>What differs from the Node server: the socket list is this server's own (no cluster-wide
 * fetch); {@code socket_updated} is sent for transport upgrades, not for changes of
 * {@code socket.data()}; aggregated counts carry connections, disconnections and packets, not
 * bytes. Actions sent with an acknowledgement are answered ({@code {ok: true}}, or {@code {error:
 * "readonly"}}), which the UI never asks for but scripts may.
 *
 * <p>Threading: installed once from any thread; everything else runs on client lanes, on the
 * threads that change rooms or emit, and on workers for the statistics timer.
 */
public final class AdminUi implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AdminUi.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> ACTIONS = List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT");
  /** Keys of {@code socket.data()} that belong to the admin server and are not shown as data. */
  private static final String PRIVATE_DATA = "_admin";
  private static final int MAX_SESSIONS = 10_000;

  private final Server io;
  private final AdminUiOptions options;
  private final Namespace admin;
  private final List<String> features;
  private final Map<String, Object> serverIdentity;
  private final AggregatedEvents aggregated = new AggregatedEvents();
  // Namespaces whose sockets are watched (development mode); thread-safe set.
  private final Set<Namespace> watched = ConcurrentHashMap.newKeySet();
  // Session ids given to UIs that logged in, so that a reload needs no password; thread-safe, bounded.
  private final Cache<String, Boolean> sessions = Caffeine.newBuilder()
      .maximumSize(MAX_SESSIONS).expireAfterAccess(Duration.ofDays(1)).build();
  // Engine counters at the last statistics; guarded by this (the timer's task is synchronized).
  private long lastPacketsSent;
  private long lastMessagesReceived;
  // The next statistics timer, and whether close() was called; any thread.
  private volatile Cancellable timer;
  private volatile boolean closed;

  private AdminUi(Server io, AdminUiOptions options) {
    this.io = io;
    this.options = options;
    this.admin = io.of(options.namespace());
    List<String> supported = new ArrayList<>(options.readonly() ? List.of() : ACTIONS);
    supported.add("AGGREGATED_EVENTS");
    if (development()) supported.add("ALL_EVENTS");
    this.features = List.copyOf(supported);
    String host = hostname();
    this.serverIdentity = Map.of(
        "serverId", options.serverId() != null ? options.serverId() : host,
        "hostname", host,
        "pid", ProcessHandle.current().pid());
  }

  /**
   * Serves the Admin UI's protocol on {@code options.namespace()} of {@code io}, with its
   * statistics every {@code options.statsInterval()} until {@link #close()}.
   *
   * @throws IllegalStateException when basic authentication is on and {@code at.favre.lib:bcrypt} is missing
   */
  public static AdminUi install(Server io, AdminUiOptions options) {
    if (options.authenticates()) PasswordCheck.requireLibrary();
    AdminUi ui = new AdminUi(io, options);
    ui.start();
    return ui;
  }

  public AdminUiOptions options() {
    return options;
  }

  /** The admin namespace. */
  public Namespace namespace() {
    return admin;
  }

  /** Stops the statistics (closing the server stops them too); the namespace and its listeners stay. */
  @Override
  public void close() {
    closed = true;
    Cancellable t = timer;
    if (t != null) t.cancel();
  }

  private boolean development() {
    return options.mode() == AdminUiOptions.Mode.DEVELOPMENT;
  }

  private void start() {
    if (options.authenticates()) admin.use(this::authenticate);
    admin.onConnection(this::onAdminConnection);
    EngineServer engine = io.engine();
    engine.onConnection(session -> {
      aggregated.push("rawConnection", null, 1);
      session.onClose((reason, description) -> aggregated.push("rawDisconnection", reason.text(), 1));
    });
    if (development()) {
      io.onNamespace(this::watch);
      io.namespaces().forEach(this::watch);
    }
    EngineStats.Snapshot first = engine.stats().snapshot();
    synchronized (this) {
      lastPacketsSent = first.packetsSent();
      lastMessagesReceived = first.messagesReceived();
    }
    scheduleStats();
  }

  // ---------------------------------------------------------------- the UI's connection

  private void authenticate(Socket socket, Next next) {
    Map<String, Object> auth = socket.handshake().auth();
    Object sessionId = auth.get("sessionId");
    if (sessionId instanceof String id && sessions.getIfPresent(id) != null) {
      next.proceed();
      return;
    }
    if (options.username().equals(auth.get("username")) && PasswordCheck.matches(auth.get("password"), options.passwordHash())) {
      byte[] bytes = new byte[8];
      RANDOM.nextBytes(bytes);
      String id = HexFormat.of().formatHex(bytes);
      sessions.put(id, Boolean.TRUE);
      socket.data().put(PRIVATE_DATA, id);
      next.proceed();
      return;
    }
    next.fail(new ConnectError("invalid credentials"));
  }

  private void onAdminConnection(Socket socket) {
    Object session = socket.data().remove(PRIVATE_DATA);
    if (session != null) socket.emit("session", session);
    registerActions(socket);
    socket.emit("config", Map.of("supportedFeatures", features));
    if (development()) socket.emit("all_sockets", allSockets());
  }

  private void registerActions(Socket socket) {
    action(socket, "emit", args -> {
      Namespace nsp = existing(args, 0);
      if (nsp == null || args.size() < 3 || !(args.get(2) instanceof String event) || event.isEmpty()) return;
      Object[] rest = args.subList(3, args.size()).toArray();
      if (args.get(1) instanceof String filter && !filter.isEmpty()) nsp.in(filter).emit(event, rest);
      else nsp.emit(event, rest);
    });
    action(socket, "join", args -> {
      Namespace nsp = existing(args, 0);
      if (nsp == null || args.size() < 2 || !(args.get(1) instanceof String room) || room.isEmpty()) return;
      if (args.size() > 2 && args.get(2) instanceof String filter && !filter.isEmpty()) nsp.in(filter).socketsJoin(room);
      else nsp.socketsJoin(room);
    });
    action(socket, "leave", args -> {
      Namespace nsp = existing(args, 0);
      if (nsp == null || args.size() < 2 || !(args.get(1) instanceof String room) || room.isEmpty()) return;
      if (args.size() > 2 && args.get(2) instanceof String filter && !filter.isEmpty()) nsp.in(filter).socketsLeave(room);
      else nsp.socketsLeave(room);
    });
    action(socket, "_disconnect", args -> {
      Namespace nsp = existing(args, 0);
      if (nsp == null) return;
      boolean close = args.size() > 1 && Boolean.TRUE.equals(args.get(1));
      if (args.size() > 2 && args.get(2) instanceof String filter && !filter.isEmpty()) nsp.in(filter).disconnectSockets(close);
      else nsp.disconnectSockets(close);
    });
  }

  /** Listens to one action of the UI; in read-only mode the action is refused. */
  private void action(Socket socket, String event, java.util.function.Consumer<List<Object>> run) {
    socket.on(event, (args, ack) -> {
      if (options.readonly()) {
        ack.send(Map.of("error", "readonly"));
        return;
      }
      try {
        run.accept(args);
      } catch (RuntimeException e) {
        // What the UI (or anyone who got in) sent made no sense here, e.g. a reserved event name.
        ack.send(Map.of("error", String.valueOf(e.getMessage())));
        return;
      }
      ack.send(Map.of("ok", true));
    });
  }

  /** The namespace named by argument {@code index}, if it exists (the UI never creates one). */
  private Namespace existing(List<Object> args, int index) {
    if (args.size() <= index || !(args.get(index) instanceof String name)) return null;
    for (Namespace nsp : io.namespaces()) if (nsp.name().equals(name)) return nsp;
    return null;
  }

  // ---------------------------------------------------------------- watching sockets (development)

  private void watch(Namespace nsp) {
    if (!watched.add(nsp)) return;
    boolean isAdmin = nsp == admin;
    String name = nsp.name();
    // In middleware, so that events the application's connection listeners emit are seen too.
    nsp.use((socket, next) -> {
      if (!isAdmin) {
        socket.onAny((event, args) -> admin.emit("event_received", name, socket.id(), eventData(event, args), now()));
        socket.onAnyOutgoing((event, args) -> admin.emit("event_sent", name, socket.id(), eventData(event, args), now()));
      }
      socket.conn().onUpgrade(transport -> {
        if (socket.connected()) admin.emit("socket_updated", Map.of("id", socket.id(), "nsp", name, "transport", transport));
      });
      socket.onDisconnect(reason -> admin.emit("socket_disconnected", name, socket.id(), reason.text(), now()));
      next.proceed();
    });
    nsp.onConnection(socket -> admin.emit("socket_connected", serialize(socket), now()));
    nsp.onRoomChange((room, socketId, joined) -> admin.emit(joined ? "room_joined" : "room_left", name, room, socketId, now()));
  }

  private static List<Object> eventData(String event, List<Object> args) {
    List<Object> data = new ArrayList<>(args.size() + 1);
    data.add(event);
    data.addAll(args);
    return data;
  }

  private List<Map<String, Object>> allSockets() {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Namespace nsp : io.namespaces()) {
      for (Socket socket : nsp.sockets().values()) all.add(serialize(socket));
    }
    return all;
  }

  /** A socket as the UI reads it. */
  static Map<String, Object> serialize(Socket socket) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", socket.id());
    String connection = socket.connectionId();
    out.put("clientId", connection.substring(0, Math.min(12, connection.length())));
    out.put("transport", socket.transport());
    out.put("nsp", socket.namespace().name());
    Map<String, Object> data = new LinkedHashMap<>(socket.data());
    data.remove(PRIVATE_DATA);
    out.put("data", data);
    dev.belay.Handshake h = socket.handshake();
    Map<String, Object> handshake = new LinkedHashMap<>();
    String forwarded = h.header("cf-connecting-ip") != null ? h.header("cf-connecting-ip") : h.header("x-forwarded-for");
    handshake.put("address", forwarded != null ? forwarded : h.address());
    handshake.put("headers", flatten(h.headers(), true));
    handshake.put("query", flatten(h.query(), false));
    handshake.put("issued", h.issued());
    handshake.put("secure", h.secure());
    handshake.put("time", h.time());
    handshake.put("url", h.url());
    handshake.put("xdomain", h.header("origin") != null);
    out.put("handshake", handshake);
    out.put("rooms", List.copyOf(socket.rooms()));
    return out;
  }

  /** Multi-valued headers or parameters as Node shows them: one string each, header names in lower case. */
  private static Map<String, String> flatten(Map<String, List<String>> values, boolean lowerCaseNames) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((key, list) -> {
      if (key == null || list == null || list.isEmpty()) return;
      out.merge(lowerCaseNames ? key.toLowerCase(java.util.Locale.ROOT) : key, String.join(", ", list),
          (a, b) -> a + ", " + b);
    });
    return out;
  }

  private static String now() {
    return Instant.ofEpochMilli(System.currentTimeMillis()).toString();
  }

  // ---------------------------------------------------------------- statistics

  private void scheduleStats() {
    if (closed || io.engine().isClosed()) return; // a closed server needs no statistics
    timer = io.engine().scheduler().schedule(() -> io.engine().executor().execute(() -> {
      try {
        emitStats();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "Admin UI statistics failed", e);
      } finally {
        scheduleStats();
      }
    }), options.statsInterval());
  }

  /** Sends {@code server_stats} to every connected UI. */
  synchronized void emitStats() {
    if (closed) return;
    EngineServer engine = io.engine();
    EngineStats.Snapshot snapshot = engine.stats().snapshot();
    aggregated.push("packetsOut", null, snapshot.packetsSent() - lastPacketsSent);
    aggregated.push("packetsIn", null, snapshot.messagesReceived() - lastMessagesReceived);
    lastPacketsSent = snapshot.packetsSent();
    lastMessagesReceived = snapshot.messagesReceived();
    Map<String, Object> stats = new LinkedHashMap<>(serverIdentity);
    stats.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    stats.put("clientsCount", engine.clientsCount());
    stats.put("pollingClientsCount", snapshot.sessionsByTransport().getOrDefault("polling", 0));
    // Belay's own: the UI ignores it, scripts can read the SSE count here.
    stats.put("clientsCountByTransport", snapshot.sessionsByTransport());
    stats.put("aggregatedEvents", aggregated.drain());
    List<Map<String, Object>> namespaces = new ArrayList<>();
    for (Namespace nsp : io.namespaces()) namespaces.add(Map.of("name", nsp.name(), "socketsCount", nsp.sockets().size()));
    stats.put("namespaces", namespaces);
    admin.emit("server_stats", stats);
  }

  private static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) return env;
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
