package dev.belay.binding;

import java.util.Objects;

/**
 * Where and how {@code listen} serves: host, port, and optionally TLS and HTTP/2.
 *
 * <pre>{@code
 * io.listen(ListenOptions.builder()
 *     .port(8443)
 *     .tls(Tls.pkcs12(Path.of("server.p12"), password))  // https and wss on one port
 *     .build());                                          // HTTP/2 by ALPN, HTTP/1.1 for the rest
 * }</pre>
 *
 * <p>With TLS, HTTP/2 is on unless {@link Builder#http2(boolean) http2(false)}: clients that offer
 * {@code h2} by ALPN get it, the others (and every WebSocket, which upgrades an HTTP/1.1 request)
 * get HTTP/1.1 on the same port. Without TLS the listener speaks HTTP/1.1, plus cleartext HTTP/2
 * ({@code h2c}, by upgrade or prior knowledge) when {@link Builder#h2c(boolean) h2c(true)}: useful
 * behind a proxy that talks h2c to its backends. Immutable.
 */
public final class ListenOptions {
  private final String host;
  private final int port;
  private final Tls tls;
  private final boolean http2;
  private final boolean h2c;

  private ListenOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.tls = b.tls;
    this.http2 = b.http2;
    this.h2c = b.h2c;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The host to bind; {@code 0.0.0.0} (every interface) by default. */
  public String host() {
    return host;
  }

  /** The port; 0 picks a free one (see {@link Listening#port()}). */
  public int port() {
    return port;
  }

  /** The TLS settings, or {@code null} for cleartext. */
  public Tls tls() {
    return tls;
  }

  /** Whether HTTP/2 is offered by ALPN on a TLS listener. */
  public boolean http2() {
    return http2;
  }

  /** Whether a cleartext listener accepts HTTP/2 ({@code h2c}). */
  public boolean h2c() {
    return h2c;
  }

  /** Whether any of this needs more than a plain HTTP/1.1 listener. */
  public boolean needsMoreThanHttp1() {
    return tls != null || h2c;
  }

  /** Builds {@link ListenOptions}; not thread-safe. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port;
    private Tls tls;
    private boolean http2 = true;
    private boolean h2c;

    private Builder() {}

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
      this.port = port;
      return this;
    }

    /** Serves https and wss with these settings ({@code null}: cleartext). */
    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    /** Offers HTTP/2 by ALPN on a TLS listener; on by default. */
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /** Accepts cleartext HTTP/2 on a listener without TLS; off by default. */
    public Builder h2c(boolean h2c) {
      this.h2c = h2c;
      return this;
    }

    public ListenOptions build() {
      if (h2c && tls != null) throw new IllegalArgumentException("h2c is for cleartext listeners; with TLS, HTTP/2 comes by ALPN");
      return new ListenOptions(this);
    }
  }
}
