package dev.belay.metrics;

import dev.belay.DisconnectReason;
import dev.belay.Server;
import dev.belay.ServerObserver;
import dev.belay.adapter.RecoveryFailure;
import dev.belay.engine.CloseReason;
import dev.belay.engine.EngineError;
import dev.belay.engine.EngineOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer metrics of a {@link Server}: binds a {@link MeterRegistry} to the server's
 * {@linkplain Server#observe observer seam}. Every meter is registered once, here, for every
 * combination of its tags (transports, reasons), so that recording is an array index and an
 * adder: nothing is looked up by name or allocated per message. Micrometer is an optional
 * dependency of belay-core: without this class in use it is never loaded.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * BelayMetrics.monitor(server, registry);            // before server.listen(...)
 * // GET /metrics -> registry.scrape()
 * }</pre>
 *
 * <p>Meters (Prometheus names in brackets):
 * <ul>
 * <li>{@code belay.sessions{transport}} gauge: open sessions [belay_sessions]
 * <li>{@code belay.handshakes{transport}}: sessions opened [belay_handshakes_total]
 * <li>{@code belay.requests.refused{reason}}: handshakes and requests refused, by Engine.IO error
 *     ({@code draining}, {@code forbidden}, {@code unknown_sid}, ...) [belay_requests_refused_total]
 * <li>{@code belay.upgrades{from,to,result}}: upgrades done ({@code success}) or abandoned
 *     ({@code failure}), by pair of transports [belay_upgrades_total]
 * <li>{@code belay.sessions.closed{transport,reason}}: sessions closed, by close reason
 *     ({@code ping_timeout} for heartbeat timeouts, {@code outbound_overflow} for clients that do
 *     not keep up, ...) [belay_sessions_closed_total]
 * <li>{@code belay.messages{transport,direction}} and {@code belay.message.payload{transport,direction}}
 *     (bytes; characters for text): Engine.IO messages in and out [belay_messages_total,
 *     belay_message_payload_bytes_total]
 * <li>{@code belay.outbound.queued} gauge: bytes waiting for all clients together [belay_outbound_queued_bytes]
 * <li>{@code belay.broadcasts} summary of recipients per broadcast (count is broadcasts, sum the
 *     fan-out) [belay_broadcasts_recipients_{count,sum,max}]
 * <li>{@code belay.ack.latency} timer and {@code belay.ack.timeouts} counter: acknowledged emits
 * <li>{@code belay.listeners{thread}} timer ({@code worker} or {@code io}) and
 *     {@code belay.listeners.slow{thread}}: listener runs longer than the slow threshold
 * <li>{@code belay.sockets.connected} and {@code belay.sockets.disconnected{reason}}: namespace
 *     joins and leaves, by Socket.IO disconnect reason
 * <li>{@code belay.recoveries{result}}: connection state recovery {@code success} or its failure
 * <li>{@code belay.draining} gauge: 1 while {@code server.drain(...)} runs
 * </ul>
 *
 * <p>Threading: the observer methods run on any thread, concurrently; meters are thread-safe and
 * every field is final.
 */
public final class BelayMetrics implements ServerObserver {
  private static final List<String> TRANSPORTS = EngineOptions.ALL_TRANSPORTS;
  private static final CloseReason[] CLOSE_REASONS = CloseReason.values();

  private final long slowNanos;
  /** Open sessions per transport (index as in TRANSPORTS), moved by open, close and upgrade events. */
  private final AtomicLong[] open;
  private final Counter[] handshakes;
  private final Counter[] received;
  private final Counter[] sent;
  private final Counter[] receivedBytes;
  private final Counter[] sentBytes;
  /** [from][to]. */
  private final Counter[][] upgrades;
  private final Counter[][] upgradeFailures;
  /** [transport][CloseReason.ordinal()]. */
  private final Counter[][] closed;
  private final Map<EngineError, Counter> refused = new EnumMap<>(EngineError.class);
  private final Map<DisconnectReason, Counter> disconnected = new EnumMap<>(DisconnectReason.class);
  private final Map<RecoveryFailure, Counter> recoveryFailures = new EnumMap<>(RecoveryFailure.class);
  private final Counter recoveries;
  private final Counter connected;
  private final DistributionSummary broadcasts;
  private final Timer ackLatency;
  private final Counter ackTimeouts;
  private final Timer listenersWorker;
  private final Timer listenersIo;
  private final Counter slowWorker;
  private final Counter slowIo;

  private BelayMetrics(Server server, MeterRegistry registry, Duration slowListener) {
    this.slowNanos = slowListener.toNanos();
    int n = TRANSPORTS.size();
    open = new AtomicLong[n];
    handshakes = new Counter[n];
    received = new Counter[n];
    sent = new Counter[n];
    receivedBytes = new Counter[n];
    sentBytes = new Counter[n];
    upgrades = new Counter[n][n];
    upgradeFailures = new Counter[n][n];
    closed = new Counter[n][CLOSE_REASONS.length];
    Map<String, Integer> already = server.engine().stats().snapshot().sessionsByTransport();
    for (int i = 0; i < n; i++) {
      String t = TRANSPORTS.get(i);
      AtomicLong count = new AtomicLong(already.getOrDefault(t, 0));
      open[i] = count;
      Gauge.builder("belay.sessions", count, AtomicLong::get).tag("transport", t)
          .description("Open Engine.IO sessions").register(registry);
      handshakes[i] = Counter.builder("belay.handshakes").tag("transport", t)
          .description("Handshakes accepted: sessions opened").register(registry);
      received[i] = counter(registry, "belay.messages", t, "in", null);
      sent[i] = counter(registry, "belay.messages", t, "out", null);
      receivedBytes[i] = counter(registry, "belay.message.payload", t, "in", "bytes");
      sentBytes[i] = counter(registry, "belay.message.payload", t, "out", "bytes");
      for (int j = 0; j < n; j++) {
        if (i == j) continue;
        Tags pair = Tags.of("from", t, "to", TRANSPORTS.get(j));
        upgrades[i][j] = Counter.builder("belay.upgrades").tags(pair).tag("result", "success")
            .description("Upgrades between transports, done or abandoned").register(registry);
        upgradeFailures[i][j] = Counter.builder("belay.upgrades").tags(pair).tag("result", "failure")
            .description("Upgrades between transports, done or abandoned").register(registry);
      }
      for (CloseReason r : CLOSE_REASONS) {
        closed[i][r.ordinal()] = Counter.builder("belay.sessions.closed").tag("transport", t)
            .tag("reason", tag(r.name())).description("Sessions closed, by reason").register(registry);
      }
    }
    for (EngineError e : EngineError.values()) {
      refused.put(e, Counter.builder("belay.requests.refused").tag("reason", tag(e.name()))
          .description("Handshakes and requests refused before reaching a session").register(registry));
    }
    for (DisconnectReason r : DisconnectReason.values()) {
      disconnected.put(r, Counter.builder("belay.sockets.disconnected").tag("reason", tag(r.name()))
          .description("Sockets that left their namespace, by reason").register(registry));
    }
    recoveries = Counter.builder("belay.recoveries").tag("result", "success")
        .description("Connection state recovery attempts").register(registry);
    for (RecoveryFailure f : RecoveryFailure.values()) {
      recoveryFailures.put(f, Counter.builder("belay.recoveries").tag("result", tag(f.name()))
          .description("Connection state recovery attempts").register(registry));
    }
    connected = Counter.builder("belay.sockets.connected").description("Sockets that joined a namespace")
        .register(registry);
    broadcasts = DistributionSummary.builder("belay.broadcasts").baseUnit("recipients")
        .description("Broadcasts, and the local clients each was written to").register(registry);
    ackLatency = Timer.builder("belay.ack.latency").description("Time until a client acknowledged an emit")
        .register(registry);
    ackTimeouts = Counter.builder("belay.ack.timeouts").description("Acknowledged emits that timed out")
        .register(registry);
    listenersWorker = listenerTimer(registry, "worker");
    listenersIo = listenerTimer(registry, "io");
    slowWorker = slowCounter(registry, "worker", slowListener);
    slowIo = slowCounter(registry, "io", slowListener);
    Gauge.builder("belay.outbound.queued", server.engine().stats(), s -> s.outboundBytes()).baseUnit("bytes")
        .description("Bytes of messages waiting for all clients together").register(registry);
    Gauge.builder("belay.draining", server, s -> s.engine().draining() ? 1 : 0)
        .description("1 while the server drains (refuses handshakes, closes its sessions)").register(registry);
  }

  /**
   * Registers Belay's meters in {@code registry} and makes them the observer of {@code server};
   * listeners that run longer than 100 ms count as slow. Call it before the server takes clients.
   */
  public static BelayMetrics monitor(Server server, MeterRegistry registry) {
    return monitor(server, registry, Duration.ofMillis(100));
  }

  /** As {@link #monitor(Server, MeterRegistry)}, with listeners slower than {@code slowListener} counted as slow. */
  public static BelayMetrics monitor(Server server, MeterRegistry registry, Duration slowListener) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(registry, "registry");
    if (slowListener == null || slowListener.isNegative()) throw new IllegalArgumentException("slowListener must not be negative");
    BelayMetrics metrics = new BelayMetrics(server, registry, slowListener);
    server.observe(metrics);
    return metrics;
  }

  private static Counter counter(MeterRegistry registry, String name, String transport, String direction, String unit) {
    return Counter.builder(name).tag("transport", transport).tag("direction", direction).baseUnit(unit)
        .description(unit == null ? "Engine.IO messages" : "Size of Engine.IO messages (characters for text)")
        .register(registry);
  }

  private static Timer listenerTimer(MeterRegistry registry, String thread) {
    return Timer.builder("belay.listeners").tag("thread", thread)
        .description("Time the listeners of one incoming event took").register(registry);
  }

  private static Counter slowCounter(MeterRegistry registry, String thread, Duration threshold) {
    return Counter.builder("belay.listeners.slow").tag("thread", thread)
        .description("Listener runs longer than " + threshold.toMillis() + " ms").register(registry);
  }

  /** {@code PING_TIMEOUT} -> {@code ping_timeout}. */
  private static String tag(String enumName) {
    return enumName.toLowerCase(Locale.ROOT);
  }

  /** The index of a transport name; the names are the same few instances, so == nearly always decides. */
  private static int index(String transport) {
    for (int i = 0; i < TRANSPORTS.size(); i++) {
      String t = TRANSPORTS.get(i);
      if (t == transport || t.equals(transport)) return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------- engine events

  @Override
  public void sessionOpened(String transport) {
    int i = index(transport);
    if (i < 0) return;
    open[i].incrementAndGet();
    handshakes[i].increment();
  }

  @Override
  public void sessionClosed(String transport, CloseReason reason) {
    int i = index(transport);
    if (i < 0) return;
    open[i].decrementAndGet();
    closed[i][reason.ordinal()].increment();
  }

  @Override
  public void requestRefused(EngineError error) {
    refused.get(error).increment();
  }

  @Override
  public void upgraded(String from, String to) {
    int i = index(from);
    int j = index(to);
    if (i < 0 || j < 0 || i == j) return;
    open[i].decrementAndGet();
    open[j].incrementAndGet();
    upgrades[i][j].increment();
  }

  @Override
  public void upgradeFailed(String from, String to) {
    int i = index(from);
    int j = index(to);
    if (i < 0 || j < 0 || i == j) return;
    upgradeFailures[i][j].increment();
  }

  @Override
  public void messageReceived(String transport, long size) {
    int i = index(transport);
    if (i < 0) return;
    received[i].increment();
    receivedBytes[i].increment(size);
  }

  @Override
  public void messagesSent(String transport, int messages, long size) {
    int i = index(transport);
    if (i < 0) return;
    sent[i].increment(messages);
    sentBytes[i].increment(size);
  }

  // ---------------------------------------------------------------- event layer events

  @Override
  public void broadcast(int recipients) {
    broadcasts.record(recipients);
  }

  @Override
  public void ackReceived(long nanos) {
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void ackTimedOut() {
    ackTimeouts.increment();
  }

  @Override
  public void listenersRan(long nanos, boolean onIoThread) {
    (onIoThread ? listenersIo : listenersWorker).record(nanos, TimeUnit.NANOSECONDS);
    if (nanos > slowNanos) (onIoThread ? slowIo : slowWorker).increment();
  }

  @Override
  public void socketConnected() {
    connected.increment();
  }

  @Override
  public void socketDisconnected(DisconnectReason reason) {
    disconnected.get(reason).increment();
  }

  @Override
  public void recovered() {
    recoveries.increment();
  }

  @Override
  public void recoveryFailed(RecoveryFailure failure) {
    recoveryFailures.get(failure).increment();
  }
}
