package dev.belay.engine;

import java.util.List;
import java.util.Set;

/**
 * Which web origins may use the server: the CORS headers of the HTTP transports, and the origin
 * check of every handshake and request. Browsers apply CORS to HTTP requests but not to WebSocket,
 * so with {@link #allowOrigins} a request of any transport, the WebSocket upgrade included, whose
 * {@code Origin} header names another origin is refused with 403 {@code {"code":4,"message":"Forbidden"}}
 * before it opens or touches a session (otherwise any site could open a WebSocket with a
 * visitor's cookies). A request without {@code Origin} (a non-browser client) is let through unless
 * {@link #withOriginRequired(boolean)}. {@link #anyOrigin()} and {@link #disabled()} check nothing.
 *
 * <pre>{@code
 * Cors.allowOrigins("https://app.example.com").withCredentials(true);
 * Cors.allowOrigins("https://app.example.com").withOriginRequired(true); // browsers only
 * Cors.anyOrigin();   // reflects the request's Origin
 * Cors.disabled();    // no CORS headers, no origin check (same-origin deployments)
 * }</pre>
 *
 * @param origins allowed origins; {@code ["*"]} allows any origin (reflected, so credentials work)
 * @param credentials whether to send {@code Access-Control-Allow-Credentials: true}
 * @param allowedHeaders request headers a preflight may ask for
 * @param maxAgeSeconds how long a browser may cache a preflight answer
 * @param originRequired whether a request without an {@code Origin} header is refused (403) when
 *     origins are listed
 */
public record Cors(Set<String> origins, boolean credentials, List<String> allowedHeaders, int maxAgeSeconds,
    boolean originRequired) {
  public Cors {
    origins = Set.copyOf(origins);
    allowedHeaders = List.copyOf(allowedHeaders);
  }

  /** Any origin, reflected; credentials allowed. */
  public static Cors anyOrigin() {
    return new Cors(Set.of("*"), true, List.of("content-type", "authorization"), 86400, false);
  }

  /**
   * Only the listed origins, exactly as browsers send them (scheme, host, port): CORS headers for
   * them, and 403 for a request of any transport from another origin.
   */
  public static Cors allowOrigins(String... origins) {
    return new Cors(Set.of(origins), false, List.of("content-type", "authorization"), 86400, false);
  }

  /** No CORS headers. */
  public static Cors disabled() {
    return new Cors(Set.of(), false, List.of(), 0, false);
  }

  public Cors withCredentials(boolean credentials) {
    return new Cors(origins, credentials, allowedHeaders, maxAgeSeconds, originRequired);
  }

  public Cors withAllowedHeaders(String... headers) {
    return new Cors(origins, credentials, List.of(headers), maxAgeSeconds, originRequired);
  }

  /** With {@code true}, a request without an {@code Origin} header is refused too (only browsers get in). */
  public Cors withOriginRequired(boolean required) {
    return new Cors(origins, credentials, allowedHeaders, maxAgeSeconds, required);
  }

  /** The value for {@code Access-Control-Allow-Origin}, or {@code null} when this origin is not allowed. */
  public String allowOriginFor(String origin) {
    if (origins.isEmpty()) return null;
    if (origins.contains("*")) return origin == null ? "*" : origin;
    return origin != null && origins.contains(origin) ? origin : null;
  }

  /**
   * Whether a request with this {@code Origin} header (null when absent) may reach the server:
   * always with no list or with {@code "*"}; else only a listed origin, or no origin unless
   * {@link #originRequired}.
   */
  public boolean admits(String origin) {
    if (origins.isEmpty() || origins.contains("*")) return true;
    if (origin == null) return !originRequired;
    return origins.contains(origin);
  }
}
