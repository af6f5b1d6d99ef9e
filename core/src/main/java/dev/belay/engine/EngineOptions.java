package dev.belay.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Settings of an {@link EngineServer}. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder()
 *     .path("/engine.io/")
 *     .pingInterval(Duration.ofSeconds(25)).pingTimeout(Duration.ofSeconds(20))
 *     .cors(Cors.anyOrigin())
 *     .build();
 * }</pre>
 */
public final class EngineOptions {
  /** Every transport Belay knows, most preferred first. */
  public static final List<String> ALL_TRANSPORTS = List.of("websocket", "sse", "polling");

  private final String path;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration upgradeTimeout;
  private final int maxPayload;
  private final List<String> transports;
  private final boolean allowUpgrades;
  private final UpgradePolicy upgradePolicy;
  private final Cors cors;
  private final Predicate<TransportRequest> allowRequest;
  private final int maxOutboundPackets;
  private final int ssePaddingBytes;
  private final boolean serveClient;
  private final Executor executor;
  private final boolean listenersOnIoThread;
  private final EngineScheduler scheduler;

  private EngineOptions(Builder b) {
    this.path = b.path;
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.upgradeTimeout = b.upgradeTimeout;
    this.maxPayload = b.maxPayload;
    this.transports = List.copyOf(b.transports);
    this.allowUpgrades = b.allowUpgrades;
    this.upgradePolicy = b.upgradePolicy;
    this.cors = b.cors;
    this.allowRequest = b.allowRequest;
    this.maxOutboundPackets = b.maxOutboundPackets;
    this.ssePaddingBytes = b.ssePaddingBytes;
    this.serveClient = b.serveClient;
    this.executor = b.executor;
    this.listenersOnIoThread = b.listenersOnIoThread;
    this.scheduler = b.scheduler;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: path {@code /socket.io/}, ping 25 s / 20 s, maxPayload 1 MB, all transports, no CORS. */
  public static EngineOptions defaults() {
    return builder().build();
  }

  /** The mount path, with leading and trailing slash, for example {@code /socket.io/}. */
  public String path() { return path; }

  public Duration pingInterval() { return pingInterval; }

  public Duration pingTimeout() { return pingTimeout; }

  /** How long a started upgrade (probe sent) may take before it is abandoned. */
  public Duration upgradeTimeout() { return upgradeTimeout; }

  /** The largest HTTP body or WebSocket message accepted, in bytes; also told to the client. */
  public int maxPayload() { return maxPayload; }

  /** Allowed transports, most preferred first. */
  public List<String> transports() { return transports; }

  public boolean allowUpgrades() { return allowUpgrades; }

  public UpgradePolicy upgradePolicy() { return upgradePolicy; }

  public Cors cors() { return cors; }

  /** Decides whether a handshake is accepted; a refusal is answered with 403. Must not block. */
  public Predicate<TransportRequest> allowRequest() { return allowRequest; }

  /** Packets that may wait for a client; past it the session closes with OUTBOUND_OVERFLOW. */
  public int maxOutboundPackets() { return maxOutboundPackets; }

  /** Bytes of the padding comment that opens an SSE stream. */
  public int ssePaddingBytes() { return ssePaddingBytes; }

  /** Whether the HTTP binding serves the bundled client at {@code <path>socket.io.js} (default true). */
  public boolean serveClient() { return serveClient; }

  /** Where listeners run, or {@code null} for Belay's shared worker pool. */
  public Executor executor() { return executor; }

  /** Whether listeners run on the thread that delivers the message; see {@link Builder#listenersOnIoThread}. */
  public boolean listenersOnIoThread() { return listenersOnIoThread; }

  /** Time and timers, or {@code null} for the real clock. */
  public EngineScheduler scheduler() { return scheduler; }

  /** Builder of {@link EngineOptions}; every setter returns {@code this}. */
  public static final class Builder {
    private String path = "/socket.io/";
    private Duration pingInterval = Duration.ofMillis(25_000);
    private Duration pingTimeout = Duration.ofMillis(20_000);
    private Duration upgradeTimeout = Duration.ofMillis(10_000);
    private int maxPayload = 1_000_000;
    private List<String> transports = ALL_TRANSPORTS;
    private boolean allowUpgrades = true;
    private UpgradePolicy upgradePolicy = (request, current, offered) -> offered;
    private Cors cors = Cors.disabled();
    private Predicate<TransportRequest> allowRequest = request -> true;
    private int maxOutboundPackets = 10_000;
    private int ssePaddingBytes = 2048;
    private boolean serveClient = true;
    private Executor executor;
    private boolean listenersOnIoThread;
    private EngineScheduler scheduler;

    private Builder() {}

    public Builder path(String path) {
      String p = Objects.requireNonNull(path, "path");
      if (!p.startsWith("/")) p = "/" + p;
      if (!p.endsWith("/")) p = p + "/";
      this.path = p;
      return this;
    }

    public Builder pingInterval(Duration d) { this.pingInterval = positive(d, "pingInterval"); return this; }

    public Builder pingTimeout(Duration d) { this.pingTimeout = positive(d, "pingTimeout"); return this; }

    public Builder upgradeTimeout(Duration d) { this.upgradeTimeout = positive(d, "upgradeTimeout"); return this; }

    public Builder maxPayload(int bytes) {
      if (bytes < 16) throw new IllegalArgumentException("maxPayload must be at least 16 bytes");
      this.maxPayload = bytes;
      return this;
    }

    /** Allowed transports, most preferred first; each one of {@link #ALL_TRANSPORTS}. */
    public Builder transports(String... names) {
      List<String> list = List.of(names);
      if (list.isEmpty()) throw new IllegalArgumentException("at least one transport");
      for (String n : list) {
        if (!ALL_TRANSPORTS.contains(n)) throw new IllegalArgumentException("unknown transport: " + n);
      }
      this.transports = list;
      return this;
    }

    public Builder allowUpgrades(boolean allow) { this.allowUpgrades = allow; return this; }

    public Builder upgradePolicy(UpgradePolicy policy) { this.upgradePolicy = Objects.requireNonNull(policy); return this; }

    public Builder cors(Cors cors) { this.cors = Objects.requireNonNull(cors); return this; }

    public Builder allowRequest(Predicate<TransportRequest> allow) { this.allowRequest = Objects.requireNonNull(allow); return this; }

    public Builder maxOutboundPackets(int max) {
      if (max < 1) throw new IllegalArgumentException("maxOutboundPackets must be positive");
      this.maxOutboundPackets = max;
      return this;
    }

    public Builder ssePaddingBytes(int bytes) {
      if (bytes < 0) throw new IllegalArgumentException("ssePaddingBytes must not be negative");
      this.ssePaddingBytes = bytes;
      return this;
    }

    public Builder serveClient(boolean serve) { this.serveClient = serve; return this; }

    /** Where listeners run (default: Belay's shared worker pool); ignored with {@link #listenersOnIoThread}. */
    public Builder executor(Executor executor) { this.executor = executor; return this; }

    /**
     * Runs listeners on the thread that delivers each message (the connection's I/O thread), as
     * Node's Socket.IO and netty-socketio always do, instead of handing them to the worker pool.
     * That saves two thread hand-offs per message: on the bench's small echo, up to a fifth of
     * the server CPU per round trip over WebSocket and a fifth to a third over long-polling
     * (bench/results). The price: a listener that blocks (a JDBC call, {@code future.get()}, a
     * sleep) stalls every connection on that I/O thread, heartbeats included. Turn it on only
     * when your handlers never block, and hand blocking work to your own executor. A listener that holds an I/O
     * thread for more than 100 ms is logged as a warning.
     *
     * <pre>{@code
     * EngineOptions.builder().listenersOnIoThread(true).build();
     * }</pre>
     */
    public Builder listenersOnIoThread(boolean on) { this.listenersOnIoThread = on; return this; }

    public Builder scheduler(EngineScheduler scheduler) { this.scheduler = scheduler; return this; }

    public EngineOptions build() {
      return new EngineOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
      return d;
    }
  }
}
