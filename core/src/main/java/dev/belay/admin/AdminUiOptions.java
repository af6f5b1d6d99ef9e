package dev.belay.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link AdminUi} serves the Admin UI: who may connect, whether the UI may act on sockets, how
 * much it sees, and under which name. Authentication must be chosen explicitly: start from {@link
 * #basicAuth(String, String)} or {@link #noAuth()}.
 *
 * <pre>{@code
 * AdminUiOptions options = AdminUiOptions.basicAuth("admin", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
 *     .readonly(false).mode(AdminUiOptions.Mode.DEVELOPMENT).serverId("chat-1").build();
 * }</pre>
 *
 * @param namespace the admin namespace, {@code "/admin"} by default (the UI's default too)
 * @param username the user name basic authentication asks for, or null when authentication is off
 * @param passwordHash the bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$}) of the password, or null when off
 * @param readonly whether the UI may only watch: no join, leave, emit or disconnect
 * @param mode {@link Mode#DEVELOPMENT} sends the live socket list and every event received and sent;
 *     {@link Mode#PRODUCTION} only the server statistics and aggregated counts
 * @param serverId how the UI names this server; null means the host name
 * @param statsInterval how often the server statistics go out (the UI expects about 2 s)
 */
public record AdminUiOptions(String namespace, String username, String passwordHash, boolean readonly, Mode mode,
    String serverId, Duration statsInterval) {
  private static final Pattern BCRYPT = Pattern.compile("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

  /** What the UI is sent: everything (development) or only statistics and counts (production). */
  public enum Mode { DEVELOPMENT, PRODUCTION }

  public AdminUiOptions {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(statsInterval, "statsInterval");
    if ((username == null) != (passwordHash == null)) {
      throw new IllegalArgumentException("basic authentication needs both a username and a password hash");
    }
    if (passwordHash != null && !BCRYPT.matcher(passwordHash).matches()) {
      throw new IllegalArgumentException("the password must be a bcrypt hash ($2a$10$...), not the password itself");
    }
    if (statsInterval.isNegative() || statsInterval.isZero()) throw new IllegalArgumentException("statsInterval must be positive");
    namespace = namespace.startsWith("/") ? namespace : "/" + namespace;
  }

  /** Whether the UI must log in. */
  public boolean authenticates() {
    return username != null;
  }

  /**
   * Options with basic authentication: the UI logs in with {@code username} and the password whose
   * bcrypt hash is {@code bcryptHash} (made with any bcrypt tool, for example
   * {@code htpasswd -bnBC 10 "" secret | tr -d ':\n'}). Needs {@code at.favre.lib:bcrypt} on the class path.
   */
  public static Builder basicAuth(String username, String bcryptHash) {
    Builder b = new Builder();
    b.username = Objects.requireNonNull(username, "username");
    b.passwordHash = Objects.requireNonNull(bcryptHash, "bcryptHash");
    return b;
  }

  /** Options without authentication: anyone who reaches the server can watch (and act, unless readonly). */
  public static Builder noAuth() {
    return new Builder();
  }

  /** Builds {@link AdminUiOptions}; defaults: {@code /admin}, not readonly, development, host name, 2 s. */
  public static final class Builder {
    // Builders are used by one thread.
    private String namespace = "/admin";
    private String username;
    private String passwordHash;
    private boolean readonly;
    private Mode mode = Mode.DEVELOPMENT;
    private String serverId;
    private Duration statsInterval = Duration.ofSeconds(2);

    private Builder() {}

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder readonly(boolean readonly) {
      this.readonly = readonly;
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    public Builder serverId(String serverId) {
      this.serverId = serverId;
      return this;
    }

    public Builder statsInterval(Duration statsInterval) {
      this.statsInterval = statsInterval;
      return this;
    }

    public AdminUiOptions build() {
      return new AdminUiOptions(namespace, username, passwordHash, readonly, mode, serverId, statsInterval);
    }
  }
}
