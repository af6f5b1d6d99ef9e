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
  public static final List<String> ALL_TRANSPORTS = TransportKind.names();

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
  private final long maxOutboundBytes;
  private final long maxOutboundBytesTotal;
  private final Duration requestHeadersTimeout;
  private final Duration idleTimeout;
  private final Duration bodyReadTimeout;
  /** Smallest polling/SSE body that is compressed, or -1 for none; immutable. */
  private final int httpCompressionThreshold;
  /** Smallest WebSocket message that is deflated, or -1 when permessage-deflate is off; immutable. */
  private final int perMessageDeflateThreshold;
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
    this.maxOutboundBytes = b.maxOutboundBytes;
    this.maxOutboundBytesTotal = b.maxOutboundBytesTotal > 0 ? b.maxOutboundBytesTotal : Runtime.getRuntime().maxMemory() / 4;
    this.requestHeadersTimeout = b.requestHeadersTimeout;
    this.idleTimeout = b.idleTimeout != null ? b.idleTimeout
        : Duration.ofMillis(Math.max(60_000, 2 * (b.pingInterval.toMillis() + b.pingTimeout.toMillis())));
    this.bodyReadTimeout = b.bodyReadTimeout;
    this.httpCompressionThreshold = b.httpCompressionThreshold;
    this.perMessageDeflateThreshold = b.perMessageDeflateThreshold;
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

  /**
   * Bytes that may wait for one client, counted from {@code send} until the binding has written
   * them to the socket (so bytes queued inside the HTTP server count too); past it the session
   * closes with {@link CloseReason#OUTBOUND_OVERFLOW}. A text message counts its characters, a
   * binary one its bytes.
   */
  public long maxOutboundBytes() { return maxOutboundBytes; }

  /**
   * Bytes that may wait for all clients of this server together (default: a quarter of the heap,
   * {@code -Xmx}). A send that finds the total over it closes its session with
   * {@link CloseReason#OUTBOUND_OVERFLOW} if that client already had bytes waiting (a client that
   * is keeping up is not closed). A broadcast counts once per recipient, an upper bound: its bytes
   * are shared.
   */
  public long maxOutboundBytesTotal() { return maxOutboundBytesTotal; }

  /**
   * Longest time a client may take to send a request's head (request line and headers); the
   * connection is closed past it. Applied by {@code io.listen} and by {@code BelayUndertow.builder}.
   */
  public Duration requestHeadersTimeout() { return requestHeadersTimeout; }

  /**
   * A connection with no byte read or written for this long is closed, and so is a keep-alive
   * connection that carries no request. Default: twice pingInterval + pingTimeout, at least 60 s,
   * so that heartbeats keep every live session's connections busy enough.
   */
  public Duration idleTimeout() { return idleTimeout; }

  /**
   * Longest wait between two reads of a request body on Belay's path (the body of a POST); the
   * connection is closed past it and the session closes with {@code transport error}.
   */
  public Duration bodyReadTimeout() { return bodyReadTimeout; }

  /** Bytes of the padding comment that opens an SSE stream. */
  public int ssePaddingBytes() { return ssePaddingBytes; }

  /** Whether the HTTP binding serves the bundled client at {@code <path>socket.io.js} (default true). */
  public boolean serveClient() { return serveClient; }

  /** Where listeners run, or {@code null} for Belay's shared worker pool. */
  public Executor executor() { return executor; }

  /** Whether polling and SSE responses are gzip/deflate-encoded for clients that accept it (default on). */
  public boolean httpCompression() { return httpCompressionThreshold >= 0; }

  /** Smallest polling body (bytes) that is compressed; an SSE stream is compressed whole when on. */
  public int httpCompressionThreshold() { return Math.max(0, httpCompressionThreshold); }

  /** Whether permessage-deflate is offered on WebSocket (default off, as Socket.IO). */
  public boolean perMessageDeflate() { return perMessageDeflateThreshold >= 0; }

  /** Smallest WebSocket message (bytes) that is deflated; smaller ones go out plain. */
  public int perMessageDeflateThreshold() { return Math.max(0, perMessageDeflateThreshold); }

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
    private long maxOutboundBytes = 10_000_000;
    /** 0: a quarter of the heap, computed when built. */
    private long maxOutboundBytesTotal;
    private Duration requestHeadersTimeout = Duration.ofSeconds(60);
    /** null: derived from the heartbeat when built. */
    private Duration idleTimeout;
    private Duration bodyReadTimeout = Duration.ofSeconds(60);
    private int ssePaddingBytes = 2048;
    private int httpCompressionThreshold = 1024;
    private int perMessageDeflateThreshold = -1;
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

    /** Bytes that may wait for one client; see {@link EngineOptions#maxOutboundBytes()}. */
    public Builder maxOutboundBytes(long max) {
      if (max < 1) throw new IllegalArgumentException("maxOutboundBytes must be positive");
      this.maxOutboundBytes = max;
      return this;
    }

    /** Bytes that may wait for all clients together; see {@link EngineOptions#maxOutboundBytesTotal()}. */
    public Builder maxOutboundBytesTotal(long max) {
      if (max < 1) throw new IllegalArgumentException("maxOutboundBytesTotal must be positive");
      this.maxOutboundBytesTotal = max;
      return this;
    }

    public Builder requestHeadersTimeout(Duration d) { this.requestHeadersTimeout = positive(d, "requestHeadersTimeout"); return this; }

    public Builder idleTimeout(Duration d) { this.idleTimeout = positive(d, "idleTimeout"); return this; }

    public Builder bodyReadTimeout(Duration d) { this.bodyReadTimeout = positive(d, "bodyReadTimeout"); return this; }

    public Builder ssePaddingBytes(int bytes) {
      if (bytes < 0) throw new IllegalArgumentException("ssePaddingBytes must not be negative");
      this.ssePaddingBytes = bytes;
      return this;
    }

    public Builder serveClient(boolean serve) { this.serveClient = serve; return this; }

    /**
     * Compresses polling and SSE responses for clients whose {@code Accept-Encoding} allows it
     * (gzip, else deflate); on by default with a 1024-byte threshold, as Socket.IO's
     * {@code httpCompression}. An SSE stream is flushed per event, so no event is held back.
     *
     * <pre>{@code
     * EngineOptions.builder().httpCompression(false).build();
     * }</pre>
     */
    public Builder httpCompression(boolean on) {
      this.httpCompressionThreshold = !on ? -1 : httpCompressionThreshold < 0 ? 1024 : httpCompressionThreshold;
      return this;
    }

    /** Turns HTTP compression on for polling bodies of at least {@code bytes} (default 1024). */
    public Builder httpCompressionThreshold(int bytes) {
      if (bytes < 0) throw new IllegalArgumentException("httpCompressionThreshold must not be negative");
      this.httpCompressionThreshold = bytes;
      return this;
    }

    /**
     * Offers permessage-deflate (RFC 7692) on WebSocket; off by default, as Socket.IO's
     * {@code perMessageDeflate: false}. With it on, messages of at least 1024 bytes are deflated.
     * No context takeover either way: each message is compressed on its own, so an idle
     * connection keeps no deflater window (about 300 KB per connection otherwise).
     *
     * <pre>{@code
     * EngineOptions.builder().perMessageDeflate(true).build();
     * }</pre>
     */
    public Builder perMessageDeflate(boolean on) {
      this.perMessageDeflateThreshold = !on ? -1 : perMessageDeflateThreshold < 0 ? 1024 : perMessageDeflateThreshold;
      return this;
    }

    /** Turns permessage-deflate on for messages of at least {@code bytes}. */
    public Builder perMessageDeflateThreshold(int bytes) {
      if (bytes < 0) throw new IllegalArgumentException("perMessageDeflateThreshold must not be negative");
      this.perMessageDeflateThreshold = bytes;
      return this;
    }

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
