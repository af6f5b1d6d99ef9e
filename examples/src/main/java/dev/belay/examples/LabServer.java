package dev.belay.examples;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.Socket;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport lab, server side: every open lab tab reports its transport, the transports its
 * connection went through, its ping round-trip time and its reconnect count; the server shows all
 * tabs to all tabs, with its own per-transport counters, once a second. Controls: refuse WebSocket
 * for new connections (to watch the fallback), and drop a tab's connection (to watch it reconnect).
 * The page is {@code resources/dev/belay/examples/lab/}.
 *
 * <pre>{@code
 * LabServer lab = new LabServer();
 * ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, "127.0.0.1", 8080);
 * }</pre>
 *
 * <p>Anyone who can open the page can use the controls: run it on localhost.
 */
public final class LabServer implements AutoCloseable {
  /** Class-path folder of the page. */
  public static final String PAGES = "dev/belay/examples/lab/";
  /** A tab gone for this long leaves the table. */
  static final long FORGET_AFTER_MS = 15_000;
  static final int MAX_TABS = 200;
  /**
   * What a page reports: its transport, the ones its connection went through, RTT in ms,
   * reconnects, and the HTTP version its transport runs on where the browser tells it.
   */
  static final List<String> REPORT_FIELDS = List.of("transport", "path", "offered", "rtt", "reconnects", "forced", "http");

  /** What the server knows of one browser tab; replaced, never changed. */
  record Tab(String id, int number, String socketId, String connectionId, boolean connected,
      Map<String, Object> report, long changedAt) {}

  private final AtomicBoolean refuseWebSocket = new AtomicBoolean();
  private final Map<String, Tab> tabs = new ConcurrentHashMap<>();
  private final AtomicInteger tabNumbers = new AtomicInteger();
  private final Server io;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lab-ticker");
    t.setDaemon(true);
    return t;
  });

  public LabServer() {
    EngineOptions engine = EngineOptions.builder()
        // While refusing, a new WebSocket connection gets 403 and WebSocket is not offered as an upgrade.
        .allowRequest(request -> !(refuseWebSocket.get() && "websocket".equals(request.query("transport"))))
        .upgradePolicy((request, current, offered) ->
            refuseWebSocket.get() ? offered.stream().filter(t -> !t.equals("websocket")).toList() : offered)
        .build();
    // Recovery on: a dropped connection, or the shared connection moving to another tab, resumes
    // its session with nothing lost.
    io = new Server(ServerOptions.builder().engine(engine)
        .connectionStateRecovery(ConnectionStateRecovery.defaults()).build());
    io.on("connection", this::onConnection);
    ticker.scheduleWithFixedDelay(this::publish, 1, 1, TimeUnit.SECONDS);
  }

  public Server io() {
    return io;
  }

  private void onConnection(Socket socket) {
    Object asked = socket.handshake().auth().get("tab");
    String tabId = asked instanceof String s && !s.isBlank() && s.length() <= 40 ? s : socket.id();
    if (!tabs.containsKey(tabId) && tabs.size() >= MAX_TABS) {
      socket.disconnect(true);
      return;
    }
    tabs.compute(tabId, (id, old) -> new Tab(id, old == null ? tabNumbers.incrementAndGet() : old.number(),
        socket.id(), socket.connectionId(), true, old == null ? Map.of() : old.report(), System.currentTimeMillis()));

    // The page sends its report every second and times our acknowledgement: that is its RTT.
    socket.on("report", (args, ack) -> {
      if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> report) {
        tabs.computeIfPresent(tabId, (id, tab) -> tab.socketId().equals(socket.id())
            ? new Tab(id, tab.number(), tab.socketId(), tab.connectionId(), true, reportFields(report), tab.changedAt())
            : tab);
      }
      ack.send();
    });
    // For the shared-connection page and its tests: an echo, a broadcast to every tab, and a
    // numbered run of broadcasts ("count" n, 1..n, one every 20 ms) to check nothing is lost.
    socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    socket.on("broadcast", (args, ack) -> io.emit("broadcast", args.isEmpty() ? null : args.get(0)));
    socket.on("count", (args, ack) -> {
      int n = !args.isEmpty() && args.get(0) instanceof Number num ? Math.max(0, Math.min(num.intValue(), 10_000)) : 0;
      for (int i = 1; i <= n; i++) {
        int value = i;
        ticker.schedule(() -> io.emit("count", value), 20L * i, TimeUnit.MILLISECONDS);
      }
      ack.send(n);
    });
    socket.on("refuseWebSocket", (args, ack) -> {
      refuseWebSocket.set(Boolean.TRUE.equals(args.isEmpty() ? null : args.get(0)));
      publish();
    });
    socket.on("drop", (args, ack) -> {
      Tab tab = args.isEmpty() ? null : tabs.get(String.valueOf(args.get(0)));
      Socket tabSocket = tab == null ? null : io.sockets().sockets().get(tab.socketId());
      // Closes the Engine.IO session, not the Socket.IO socket: the client sees "transport close"
      // and reconnects on its own (after "io server disconnect" it would not).
      if (tabSocket != null) tabSocket.conn().close();
    });
    socket.onDisconnect(reason -> {
      tabs.computeIfPresent(tabId, (id, tab) -> tab.socketId().equals(socket.id())
          ? new Tab(id, tab.number(), tab.socketId(), tab.connectionId(), false, tab.report(), System.currentTimeMillis())
          : tab);
      publish();
    });
    publish();
  }

  /** Sends every tab the table of tabs and the server's counters. */
  private synchronized void publish() {
    long now = System.currentTimeMillis();
    tabs.values().removeIf(tab -> !tab.connected() && now - tab.changedAt() > FORGET_AFTER_MS);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Tab tab : tabs.values().stream().sorted(Comparator.comparingInt(Tab::number)).toList()) {
      Map<String, Object> row = new LinkedHashMap<>(tab.report());
      row.put("tab", tab.id());
      row.put("label", "Tab " + tab.number());
      row.put("connected", tab.connected());
      row.put("since", tab.changedAt());
      Socket tabSocket = tab.connected() ? io.sockets().sockets().get(tab.socketId()) : null;
      // The server's view of the transport, next to the page's own.
      row.put("serverTransport", tabSocket == null ? "" : tabSocket.conn().transport());
      rows.add(row);
    }
    EngineStats.Snapshot stats = io.engine().stats().snapshot();
    io.emit("state", Map.of(
        "tabs", rows,
        "refuseWebSocket", refuseWebSocket.get(),
        "sessionsByTransport", stats.sessionsByTransport(),
        "upgrades", stats.upgrades(),
        "handshakes", stats.handshakes(),
        "now", now));
  }

  /**
   * The body of {@code GET /stats.json}: {@code {"sessions": N}}, the Engine.IO sessions open on
   * the server now (one per connection, however many tabs share it).
   */
  public String statsJson() {
    int sessions = io.engine().stats().snapshot().sessionsByTransport().values().stream().mapToInt(Integer::intValue).sum();
    return "{\"sessions\": " + sessions + "}";
  }

  /** The fields of a page's report the table shows; anything else is dropped. */
  private static Map<String, Object> reportFields(Map<?, ?> report) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (String field : REPORT_FIELDS) {
      Object value = report.get(field);
      if (value != null) kept.put(field, value);
    }
    return kept;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    io.close();
  }
}
