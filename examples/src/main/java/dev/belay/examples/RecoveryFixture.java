package dev.belay.examples;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.engine.Cors;
import dev.belay.engine.EngineOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection state recovery fixture at {@code /recovery/}, served by {@code conformance} next
 * to the protocol fixtures, that recovery tests inside and outside the project drive: ping 300 /
 * 200 ms, recovery with a 30 s window, CORS for any origin, all three transports, namespace
 * {@code /} only.
 *
 * <ul>
 *   <li>on connection every socket joins room {@code all}; one that did not recover gets
 *       {@code welcome} with {@code {"id": <its id>}};
 *   <li>{@code start} {@code {"n": N, "everyMs": M}} (ack): broadcasts {@code tick} 1..N to
 *       {@code all}, one every M ms on a server timer, and acks {@code "started"} at once;
 *   <li>{@code inc} {@code {"seq": k}} (ack): records k for the socket id (a k seen before counts
 *       as a duplicate) and acks k;
 *   <li>{@code stats} (ack): acks {@code {"received": <distinct seqs>, "duplicates": <repeats>}}
 *       for the socket id;
 *   <li>{@code disconnects} (ack), an addition for Belay's own tests: acks the reasons the server
 *       gave each time this socket id left (such as {@code "ping timeout"} when it found the
 *       connection silent), oldest first.
 * </ul>
 *
 * <pre>{@code
 * Server recovery = RecoveryFixture.create();
 * new BelayHandler(recovery, next);
 * }</pre>
 */
public final class RecoveryFixture {
  // The tick streams' timer: one daemon thread for every stream, so ticks stay in order.
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "recovery-fixture-ticks");
    thread.setDaemon(true);
    return thread;
  });

  private RecoveryFixture() {}

  public static Server create() {
    Server server = new Server(ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(30)))
        .engine(EngineOptions.builder()
            .path("/recovery/")
            .pingInterval(Duration.ofMillis(300))
            .pingTimeout(Duration.ofMillis(200))
            .cors(Cors.anyOrigin())
            .build())
        .build());
    // socket id -> the inc seqs its handler saw, and how many of them were repeats; any thread.
    Map<String, Set<Long>> received = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> duplicates = new ConcurrentHashMap<>();
    // socket id -> why the server disconnected it, each time; appended on the socket's lane, read
    // on any (a recovered socket keeps its id, so this spans its reconnections).
    Map<String, List<String>> disconnects = new ConcurrentHashMap<>();
    server.on("connection", socket -> {
      socket.join("all");
      if (!socket.recovered()) socket.emit("welcome", Map.of("id", socket.id()));
      socket.onDisconnect(reason -> disconnects.computeIfAbsent(socket.id(), id -> new CopyOnWriteArrayList<>())
          .add(reason.text()));
      socket.on("start", (args, ack) -> {
        Map<?, ?> options = args.isEmpty() || !(args.get(0) instanceof Map<?, ?> m) ? Map.of() : m;
        long n = number(options.get("n"), 0);
        long everyMs = Math.max(1, number(options.get("everyMs"), 100));
        tick(server, 1, n, Duration.ofMillis(everyMs));
        ack.send("started");
      });
      socket.on("inc", (args, ack) -> {
        Map<?, ?> body = args.isEmpty() || !(args.get(0) instanceof Map<?, ?> m) ? Map.of() : m;
        long seq = number(body.get("seq"), -1);
        if (!received.computeIfAbsent(socket.id(), id -> ConcurrentHashMap.newKeySet()).add(seq)) {
          duplicates.computeIfAbsent(socket.id(), id -> new AtomicInteger()).incrementAndGet();
        }
        ack.send(seq);
      });
      socket.on("stats", (args, ack) -> {
        Set<Long> seen = received.getOrDefault(socket.id(), Set.of());
        AtomicInteger repeats = duplicates.get(socket.id());
        ack.send(Map.of("received", seen.size(), "duplicates", repeats == null ? 0 : repeats.get()));
      });
      socket.on("disconnects", (args, ack) ->
          ack.send(List.copyOf(disconnects.getOrDefault(socket.id(), List.of()))));
    });
    return server;
  }

  /** Broadcasts tick 1..{@code n} to room {@code all}, one every {@code every}, on the timer thread. */
  private static void tick(Server server, long from, long n, Duration every) {
    if (n < from) return;
    AtomicLong next = new AtomicLong(from);
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    synchronized (task) {
      task[0] = TIMER.scheduleAtFixedRate(() -> {
        long i = next.getAndIncrement();
        server.to("all").emit("tick", i);
        if (i >= n) {
          synchronized (task) {
            task[0].cancel(false);
          }
        }
      }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static long number(Object value, long fallback) {
    return value instanceof Number number ? number.longValue() : fallback;
  }
}
