package dev.belay.engine;

import java.util.List;
import java.util.Set;

/**
 * Cross-origin rules for the HTTP transports. Headers are sent on every answer, errors included.
 *
 * <pre>{@code
 * Cors.allowOrigins("https://app.example.com").withCredentials(true);
 * Cors.anyOrigin();   // reflects the request's Origin
 * Cors.disabled();    // no CORS headers at all (same-origin deployments)
 * }</pre>
 *
 * @param origins allowed origins; {@code ["*"]} allows any origin (reflected, so credentials work)
 * @param credentials whether to send {@code Access-Control-Allow-Credentials: true}
 * @param allowedHeaders request headers a preflight may ask for
 * @param maxAgeSeconds how long a browser may cache a preflight answer
 */
public record Cors(Set<String> origins, boolean credentials, List<String> allowedHeaders, int maxAgeSeconds) {
  public Cors {
    origins = Set.copyOf(origins);
    allowedHeaders = List.copyOf(allowedHeaders);
  }

  /** Any origin, reflected; credentials allowed. */
  public static Cors anyOrigin() {
    return new Cors(Set.of("*"), true, List.of("content-type", "authorization"), 86400);
  }

  /** Only the listed origins, exactly as browsers send them (scheme, host, port). */
  public static Cors allowOrigins(String... origins) {
    return new Cors(Set.of(origins), false, List.of("content-type", "authorization"), 86400);
  }

  /** No CORS headers. */
  public static Cors disabled() {
    return new Cors(Set.of(), false, List.of(), 0);
  }

  public Cors withCredentials(boolean credentials) {
    return new Cors(origins, credentials, allowedHeaders, maxAgeSeconds);
  }

  public Cors withAllowedHeaders(String... headers) {
    return new Cors(origins, credentials, List.of(headers), maxAgeSeconds);
  }

  /** The value for {@code Access-Control-Allow-Origin}, or {@code null} when this origin is not allowed. */
  public String allowOriginFor(String origin) {
    if (origins.isEmpty()) return null;
    if (origins.contains("*")) return origin == null ? "*" : origin;
    return origin != null && origins.contains(origin) ? origin : null;
  }
}
