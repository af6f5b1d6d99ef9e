package dev.belay;

import dev.belay.adapter.AdapterFactory;
import dev.belay.adapter.InMemoryAdapter;
import dev.belay.engine.EngineOptions;
import dev.belay.stream.StreamOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Server}: the engine's (transport, heartbeat, CORS) plus those of the event
 * layer. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder()
 *     .engine(EngineOptions.builder().cors(Cors.anyOrigin()).build())
 *     .connectTimeout(Duration.ofSeconds(10))
 *     .ackTimeout(Duration.ofSeconds(20))
 *     .build();
 * Server server = new Server(options);
 * }</pre>
 */
public final class ServerOptions {
  private final EngineOptions engine;
  private final Duration connectTimeout;
  private final int maxAttachments;
  private final long maxAttachmentBytes;
  private final Duration attachmentTimeout;
  private final long maxPendingAttachmentBytes;
  private final Duration ackTimeout;
  private final JsonMapper jsonMapper;
  private final AdapterFactory adapter;
  private final ConnectionStateRecovery connectionStateRecovery;
  private final StreamOptions streams;

  private ServerOptions(Builder b) {
    this.engine = b.engine;
    this.connectTimeout = b.connectTimeout;
    this.maxAttachments = b.maxAttachments;
    this.maxAttachmentBytes = b.maxAttachmentBytes;
    this.attachmentTimeout = b.attachmentTimeout;
    this.maxPendingAttachmentBytes = b.maxPendingAttachmentBytes;
    this.ackTimeout = b.ackTimeout;
    this.jsonMapper = b.jsonMapper;
    this.adapter = b.adapter;
    this.connectionStateRecovery = b.connectionStateRecovery;
    this.streams = b.streams;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Defaults: engine defaults, connectTimeout 45 s, 10 attachments / 10 MB per packet, a binary
   * packet complete within 30 s, 100 MB of incomplete binary packets server-wide, acks 30 s, Gson.
   */
  public static ServerOptions defaults() {
    return builder().build();
  }

  public EngineOptions engine() { return engine; }

  /** How long a new connection may take to join a namespace before it is closed. */
  public Duration connectTimeout() { return connectTimeout; }

  /** The most binary attachments one incoming packet may announce. */
  public int maxAttachments() { return maxAttachments; }

  /** The most bytes the attachments of one incoming packet may hold together. */
  public long maxAttachmentBytes() { return maxAttachmentBytes; }

  /**
   * How long a binary packet may wait for its attachments, counted from its first frame. A
   * connection whose packet is still incomplete then is closed with reason "parse error".
   */
  public Duration attachmentTimeout() { return attachmentTimeout; }

  /**
   * The most bytes the attachments of incomplete binary packets may hold, all connections together.
   * A connection whose attachment would cross it is closed with reason "parse error"; the others
   * go on.
   */
  public long maxPendingAttachmentBytes() { return maxPendingAttachmentBytes; }

  /** How long an emit waits for its acknowledgement when no {@code timeout(...)} is given. */
  public Duration ackTimeout() { return ackTimeout; }

  public JsonMapper jsonMapper() { return jsonMapper; }

  /** Creates each namespace's {@link dev.belay.adapter.Adapter}. */
  public AdapterFactory adapter() { return adapter; }

  /** Connection state recovery settings, or {@code null} when recovery is off (the default). */
  public ConnectionStateRecovery connectionStateRecovery() { return connectionStateRecovery; }

  /** Limits of large-data transfers ({@code socket.stream} / {@code socket.onStream}). */
  public StreamOptions streams() { return streams; }

  /** Builder of {@link ServerOptions}; every setter returns {@code this}. */
  public static final class Builder {
    private EngineOptions engine = EngineOptions.defaults();
    private Duration connectTimeout = Duration.ofSeconds(45);
    private int maxAttachments = 10;
    private long maxAttachmentBytes = 10_000_000;
    private Duration attachmentTimeout = Duration.ofSeconds(30);
    private long maxPendingAttachmentBytes = 100_000_000;
    private Duration ackTimeout = Duration.ofSeconds(30);
    private JsonMapper jsonMapper = new GsonJsonMapper();
    private AdapterFactory adapter = InMemoryAdapter::new;
    private ConnectionStateRecovery connectionStateRecovery;
    private StreamOptions streams = StreamOptions.defaults();

    private Builder() {}

    public Builder streams(StreamOptions streams) { this.streams = Objects.requireNonNull(streams); return this; }

    public Builder engine(EngineOptions engine) { this.engine = Objects.requireNonNull(engine); return this; }

    public Builder connectTimeout(Duration d) { this.connectTimeout = positive(d, "connectTimeout"); return this; }

    public Builder maxAttachments(int max) {
      if (max < 0) throw new IllegalArgumentException("maxAttachments must not be negative");
      this.maxAttachments = max;
      return this;
    }

    public Builder maxAttachmentBytes(long max) {
      if (max < 0) throw new IllegalArgumentException("maxAttachmentBytes must not be negative");
      this.maxAttachmentBytes = max;
      return this;
    }

    public Builder attachmentTimeout(Duration d) { this.attachmentTimeout = positive(d, "attachmentTimeout"); return this; }

    public Builder maxPendingAttachmentBytes(long max) {
      if (max < 0) throw new IllegalArgumentException("maxPendingAttachmentBytes must not be negative");
      this.maxPendingAttachmentBytes = max;
      return this;
    }

    public Builder ackTimeout(Duration d) { this.ackTimeout = positive(d, "ackTimeout"); return this; }

    public Builder jsonMapper(JsonMapper mapper) { this.jsonMapper = Objects.requireNonNull(mapper); return this; }

    public Builder adapter(AdapterFactory factory) { this.adapter = Objects.requireNonNull(factory); return this; }

    /** Turns connection state recovery on with {@code recovery}'s settings; null turns it off. */
    public Builder connectionStateRecovery(ConnectionStateRecovery recovery) {
      this.connectionStateRecovery = recovery;
      return this;
    }

    public ServerOptions build() {
      return new ServerOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
      return d;
    }
  }
}
