package dev.belay.stream;

/**
 * Limits of large-data transfers ({@code socket.stream(...)} / {@code socket.onStream(...)}).
 * Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * ServerOptions.builder()
 *     .streams(StreamOptions.builder().windowBytes(2 << 20).maxPerSession(4).build())
 *     .build();
 * }</pre>
 *
 * <p>Memory a transfer can hold on the server is bounded by its window in either direction (what a
 * receiver buffers until the application reads it, what a sender keeps for a resend after a
 * reconnection), so the server holds at most {@code maxBytesInFlight} for all transfers together.
 */
public final class StreamOptions {
  private final int chunkBytes;
  private final int windowBytes;
  private final int maxPerSession;
  private final int maxTotal;
  private final long maxBytesInFlight;

  private StreamOptions(Builder b) {
    this.chunkBytes = b.chunkBytes;
    this.windowBytes = b.windowBytes;
    this.maxPerSession = b.maxPerSession;
    this.maxTotal = b.maxTotal;
    this.maxBytesInFlight = b.maxBytesInFlight;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: 64 KiB chunks, a 1 MiB window, 16 transfers per socket, 10 000 and 256 MiB server-wide. */
  public static StreamOptions defaults() {
    return builder().build();
  }

  /**
   * The most bytes of one chunk this server sends, and the most it accepts from a client (four
   * times it). A chunk is one binary attachment; on polling and SSE it travels as base64 (4/3 of
   * its size), so it also stays under three quarters of {@code maxPayload}.
   */
  public int chunkBytes() { return chunkBytes; }

  /**
   * The credit a receiver grants: bytes a sender may have sent and not yet seen read. Also the cap
   * on the credit this server accepts from a client (so its resend buffer stays within it).
   */
  public int windowBytes() { return windowBytes; }

  /** Transfers (both directions) one socket may have open at once; more are refused. */
  public int maxPerSession() { return maxPerSession; }

  /** Transfers the whole server may have open at once; more are refused. */
  public int maxTotal() { return maxTotal; }

  /** Windows of all open transfers together, the server's bound on transfer memory; more are refused. */
  public long maxBytesInFlight() { return maxBytesInFlight; }

  /** Builder of {@link StreamOptions}; every setter returns {@code this}. */
  public static final class Builder {
    private int chunkBytes = 64 * 1024;
    private int windowBytes = 1 << 20;
    private int maxPerSession = 16;
    private int maxTotal = 10_000;
    private long maxBytesInFlight = 256L << 20;

    private Builder() {}

    public Builder chunkBytes(int n) { this.chunkBytes = positive(n, "chunkBytes"); return this; }

    public Builder windowBytes(int n) { this.windowBytes = positive(n, "windowBytes"); return this; }

    public Builder maxPerSession(int n) { this.maxPerSession = positive(n, "maxPerSession"); return this; }

    public Builder maxTotal(int n) { this.maxTotal = positive(n, "maxTotal"); return this; }

    public Builder maxBytesInFlight(long n) {
      if (n <= 0) throw new IllegalArgumentException("maxBytesInFlight must be positive");
      this.maxBytesInFlight = n;
      return this;
    }

    public StreamOptions build() {
      if (windowBytes < chunkBytes) throw new IllegalArgumentException("windowBytes must be at least chunkBytes");
      return new StreamOptions(this);
    }

    private static int positive(int n, String name) {
      if (n <= 0) throw new IllegalArgumentException(name + " must be positive");
      return n;
    }
  }
}
